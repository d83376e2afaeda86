package dev.netpolc.backend.iptables;

import java.util.ArrayList;
import java.util.List;

/**
 * One iptables rule, printed exactly as {@code iptables-save} prints it: source, destination,
 * input and output interface (each optionally negated), protocol, then matches, then the target.
 * Keeping that order lets {@code iptables-restore} followed by {@code iptables-save} give the same
 * text back, and lets a generated file be compared line by line with a live host's dump.
 */
final class Rule {

    private final String chain;
    private String source;
    private boolean sourceNegated;
    private String destination;
    private boolean destinationNegated;
    private String in;
    private boolean inNegated;
    private String out;
    private boolean outNegated;
    private String protocol;
    private final List<String> matches = new ArrayList<>();
    private String target;
    private String comment;

    private Rule(String chain) {
        this.chain = chain;
    }

    static Rule in(String chain) {
        return new Rule(chain);
    }

    Rule source(String cidr) {
        source = cidr;
        return this;
    }

    Rule notSource(String cidr) {
        source = cidr;
        sourceNegated = true;
        return this;
    }

    Rule destination(String cidr) {
        destination = cidr;
        return this;
    }

    Rule notDestination(String cidr) {
        destination = cidr;
        destinationNegated = true;
        return this;
    }

    Rule inInterface(String name) {
        in = name;
        return this;
    }

    Rule notInInterface(String name) {
        in = name;
        inNegated = true;
        return this;
    }

    Rule outInterface(String name) {
        out = name;
        return this;
    }

    Rule notOutInterface(String name) {
        out = name;
        outNegated = true;
        return this;
    }

    /** {@code -p PROTO -m PROTO --dport PORT}, as iptables-save writes a port match. */
    Rule destinationPort(String proto, int port) {
        protocol = proto;
        matches.add("-m " + proto + " --dport " + port);
        return this;
    }

    /** {@code -p PROTO -m PROTO --sport PORT}. */
    Rule sourcePort(String proto, int port) {
        protocol = proto;
        matches.add("-m " + proto + " --sport " + port);
        return this;
    }

    /** {@code -p PROTO} alone, when a match adds what the protocol needs. */
    Rule protocol(String proto) {
        protocol = proto;
        return this;
    }

    /** Adds every condition of {@code other} that this rule does not set (for rules built in stages). */
    Rule with(Rule other) {
        if (other.source != null) {
            source = other.source;
            sourceNegated = other.sourceNegated;
        }
        if (other.destination != null) {
            destination = other.destination;
            destinationNegated = other.destinationNegated;
        }
        if (other.in != null) {
            in = other.in;
            inNegated = other.inNegated;
        }
        if (other.out != null) {
            out = other.out;
            outNegated = other.outNegated;
        }
        if (other.protocol != null) {
            protocol = other.protocol;
        }
        matches.addAll(other.matches);
        return this;
    }

    Rule match(String match) {
        matches.add(match);
        return this;
    }

    /** A comment match, printed last before the target as iptables-save does; null for none. */
    Rule comment(String text) {
        comment = text;
        return this;
    }

    Rule jump(String targetAndOptions) {
        target = targetAndOptions;
        return this;
    }

    String chain() {
        return chain;
    }

    /** Everything after {@code -A CHAIN}. */
    String spec() {
        if (target == null) {
            throw new IllegalStateException("rule in " + chain + " has no target");
        }
        List<String> parts = new ArrayList<>();
        option(parts, sourceNegated, "-s", source);
        option(parts, destinationNegated, "-d", destination);
        option(parts, inNegated, "-i", in);
        option(parts, outNegated, "-o", out);
        option(parts, false, "-p", protocol);
        parts.addAll(matches);
        if (comment != null && !comment.isEmpty()) {
            parts.add("-m comment --comment " + saveString(comment));
        }
        parts.add("-j " + target);
        return String.join(" ", parts);
    }

    /**
     * A string argument as iptables-save prints it: bare when it is only letters, digits, '-' and
     * '_', otherwise in double quotes (the text never holds quotes or backslashes: the compiler
     * rejects them).
     */
    static String saveString(String s) {
        boolean bare = !s.isEmpty() && s.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_');
        return bare ? s : "\"" + s + "\"";
    }

    private static void option(List<String> parts, boolean negated, String flag, String value) {
        if (value != null) {
            parts.add((negated ? "! " : "") + flag + " " + value);
        }
    }
}
