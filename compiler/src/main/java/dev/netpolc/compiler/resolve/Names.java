package dev.netpolc.compiler.resolve;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * The rules for every name a policy gives. Names reach shell scripts and rules, so each one is
 * held to a small alphabet here, once, and nowhere else needs to guess whether it is safe.
 */
final class Names {

    private static final int MAX_OBJECT_NAME = 64;
    /** Linux's IFNAMSIZ is 16 bytes including the terminating NUL. */
    static final int MAX_INTERFACE_NAME = 15;
    /** iptables refuses chain names of 29 characters or more; the longest suffix netpolc adds is 18. */
    static final int MAX_CHAIN_PREFIX = 28 - "-ISOLATION-STAGE-1".length();
    private static final Set<String> RESERVED_CHAINS = Set.of("ACCEPT", "DROP", "RETURN", "QUEUE", "REJECT", "LOG",
            "DNAT", "SNAT", "MASQUERADE", "INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING", "NFQUEUE",
            "CHECKSUM", "MARK", "CONNMARK", "TRACE");

    private Names() {}

    /** Why a network or container name is not valid, or empty when it is. */
    static Optional<String> objectNameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("the name is empty");
        }
        if (name.length() > MAX_OBJECT_NAME) {
            return Optional.of("the name is " + name.length() + " characters long; at most " + MAX_OBJECT_NAME
                    + " are allowed");
        }
        if (!isObjectName(name)) {
            return Optional.of("'" + printable(name) + "' has characters Docker does not allow in a name");
        }
        return Optional.empty();
    }

    /**
     * Whether the name matches {@code [A-Za-z0-9][A-Za-z0-9_.-]*}, Docker's rule: written out,
     * since it runs once per object and the regular expression was a measurable part of resolving
     * 100,000 containers. {@code NamesTest} checks it against the expression.
     */
    static boolean isObjectName(String name) {
        return !name.isEmpty() && isAlnum(name.charAt(0)) && isWord(name, false, "_.-", Integer.MAX_VALUE);
    }

    /** An ASCII letter. */
    static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /** An ASCII letter or digit. */
    static boolean isAlnum(char c) {
        return isLetter(c) || c >= '0' && c <= '9';
    }

    /** An ASCII hex digit, either case. */
    static boolean isHexDigit(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * Whether {@code s} is 1 to {@code max} ASCII letters, digits and characters of {@code extra},
     * starting with a letter when {@code letterFirst}. The rules are written out rather than as
     * regular expressions: on a JVM without an ahead-of-time cache, compiling a character class
     * links the lambdas {@code java.util.regex} builds it from, at every start. {@code NamesTest}
     * checks each use against the expression it stands for.
     */
    static boolean isWord(String s, boolean letterFirst, String extra, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = i == 0 && letterFirst ? isLetter(c) : isAlnum(c) || extra.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Why an interface name would be refused by the kernel or is unsafe, or empty when it is fine. */
    static Optional<String> interfaceNameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("an interface name cannot be empty");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("'" + name + "' is not a valid interface name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7e || c < 0x20) {
                return Optional.of("interface name '" + printable(name) + "' has a non-ASCII or control character");
            }
            if (Character.isWhitespace(c)) {
                return Optional.of("interface name '" + name + "' has white space");
            }
            if (c == '/' || c == ':') {
                return Optional.of("interface name '" + name + "' has '" + c + "', which the kernel does not allow");
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_INTERFACE_NAME) {
            return Optional.of("interface name '" + name + "' is " + bytes + " bytes long; Linux allows at most "
                    + MAX_INTERFACE_NAME);
        }
        if (!isWord(name, false, "_.-", Integer.MAX_VALUE)) {
            return Optional.of("interface name '" + name + "' may only use letters, digits, '.', '-' and '_'");
        }
        return Optional.empty();
    }

    /** Why an nftables table name cannot be used, or empty when it can. */
    static Optional<String> nftTableProblem(String name) {
        if (!isWord(name, true, "_-", 32)) {
            return Optional.of("nftables table name '" + printable(name)
                    + "' must start with a letter and use at most 32 letters, digits, '-' and '_'");
        }
        return Optional.empty();
    }

    /** Why a chain prefix cannot be used, or empty when it can. */
    static Optional<String> chainPrefixProblem(String prefix) {
        if (!isWord(prefix, true, "_-", Integer.MAX_VALUE)) {
            return Optional.of("chain prefix '" + printable(prefix)
                    + "' must start with a letter and use only letters, digits, '-' and '_'");
        }
        if (prefix.length() > MAX_CHAIN_PREFIX) {
            return Optional.of("chain prefix '" + prefix + "' is " + prefix.length() + " characters long; at most "
                    + MAX_CHAIN_PREFIX + " fit, since iptables limits chain names to 28 characters and '"
                    + prefix + "-ISOLATION-STAGE-1' must fit");
        }
        if (RESERVED_CHAINS.contains(prefix.toUpperCase(java.util.Locale.ROOT))) {
            return Optional.of("chain prefix '" + prefix + "' is the name of a built-in chain or target");
        }
        return Optional.empty();
    }

    /** How much of a value a message quotes. */
    static final int MAX_QUOTED = 80;

    /**
     * The text with control and non-ASCII characters shown as escapes, cut to {@link #MAX_QUOTED}
     * characters, safe to print in a message.
     */
    static String printable(String s) {
        if (s.length() > MAX_QUOTED) {
            return printable(s.substring(0, MAX_QUOTED)) + "...(" + (s.length() - MAX_QUOTED) + " more characters)";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\x%02x", cp));
            } else if (cp > 0x7e) {
                b.append(String.format("\\u{%x}", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
