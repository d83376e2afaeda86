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
        StringBuilder b = new StringBuilder(64);
        appendSpec(b);
        return b.toString();
    }

    /**
     * Appends the rule's text after {@code -A CHAIN }: options in iptables-save's order, one space
     * apart. Appended to the caller's builder, with no list of parts in between: every rule of a
     * policy passes through here, mostly in the interpreter.
     */
    void appendSpec(StringBuilder b) {
        if (target == null) {
            throw new IllegalStateException("rule in " + chain + " has no target");
        }
        int start = b.length();
        option(b, start, sourceNegated, "-s", source);
        option(b, start, destinationNegated, "-d", destination);
        option(b, start, inNegated, "-i", in);
        option(b, start, outNegated, "-o", out);
        option(b, start, false, "-p", protocol);
        for (int i = 0; i < matches.size(); i++) {
            separate(b, start).append(matches.get(i));
        }
        if (comment != null && !comment.isEmpty()) {
            separate(b, start).append("-m comment --comment ").append(saveString(comment));
        }
        separate(b, start).append("-j ").append(target);
    }

    private static StringBuilder separate(StringBuilder b, int start) {
        return b.length() > start ? b.append(' ') : b;
    }

    /**
     * A string argument as iptables-save prints it: bare when it is only letters, digits, '-' and
     * '_', otherwise in double quotes (the text never holds quotes or backslashes: the compiler
     * rejects them).
     */
    static String saveString(String s) {
        boolean bare = !s.isEmpty();
        for (int i = 0; i < s.length() && bare; i++) {
            char c = s.charAt(i);
            bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        }
        return bare ? s : "\"" + s + "\"";
    }

    private static void option(StringBuilder b, int start, boolean negated, String flag, String value) {
        if (value != null) {
            separate(b, start).append(negated ? "! " : "").append(flag).append(' ').append(value);
        }
    }
}
