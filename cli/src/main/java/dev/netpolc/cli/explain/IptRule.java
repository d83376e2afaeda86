package dev.netpolc.cli.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One rule of an iptables-restore script, parsed from the text the backend prints, with the
 * matches explain can evaluate. Parsing refuses any option it does not know (an
 * {@link ExplainException} naming the rule): explain never guesses what a rule does.
 *
 * @param table   the table
 * @param chain   the chain
 * @param text    the rule as the generated file prints it ({@code -A CHAIN ...})
 * @param origin  the policy line the rule came from (its annotation comment), or "" when it has none
 */
record IptRule(String table, String chain, String text, String origin, List<Match> matches, String target,
        Map<String, String> targetOptions) {

    /** One match: what it tests, as written, and the test. */
    record Match(String written, Predicate<Packet> test) {}

    /** The host's addresses, for {@code -m addrtype}. */
    interface Host {
        boolean isLocal(dev.netpolc.ir.IpAddr a);
    }

    private static final Set<String> TERMINAL_OR_KNOWN = Set.of("ACCEPT", "DROP", "REJECT", "RETURN", "LOG", "DNAT", "SNAT",
            "MASQUERADE", "CHECKSUM");

    /**
     * Parses {@code spec} (everything after {@code -A CHAIN}); {@code chains} are the chains of
     * the table, the only names a jump may target.
     */
    static IptRule parse(String table, String chain, String text, String annotatedSpec, Set<String> chains, Host host) {
        List<String> t = tokens(annotatedSpec, text);
        List<Match> matches = new ArrayList<>();
        String origin = "";
        String target = null;
        Map<String, String> targetOptions = new java.util.LinkedHashMap<>();
        String module = null;
        int i = 0;
        while (i < t.size()) {
            boolean not = false;
            String opt = t.get(i++);
            if (opt.equals("!")) {
                not = true;
                opt = next(t, i++, text, "!");
            }
            if (target != null) {
                if (!opt.startsWith("--") || not) {
                    throw bad(text, "unexpected '" + opt + "' after the target");
                }
                String value = opt.equals("--checksum-fill") ? "" : next(t, i++, text, opt);
                targetOptions.put(opt, value);
                continue;
            }
            switch (opt) {
                case "-s", "-d" -> {
                    String cidr = next(t, i++, text, opt);
                    checkCidr(cidr, text);
                    boolean src = opt.equals("-s");
                    matches.add(match(opt, cidr, not, p -> Addresses.in(src ? p.source : p.destination, cidr)));
                }
                case "-i", "-o" -> {
                    String name = next(t, i++, text, opt);
                    boolean in = opt.equals("-i");
                    matches.add(match(opt, name, not, p -> iface(in ? p.in : p.out, name)));
                }
                case "-p" -> {
                    String proto = protocol(next(t, i++, text, opt), text);
                    matches.add(match(opt, proto, not, p -> proto.equals("all") || p.protocol.equals(proto)));
                }
                case "-m" -> {
                    module = next(t, i++, text, opt);
                    if (!Set.of("tcp", "udp", "sctp", "multiport", "conntrack", "addrtype", "icmp", "icmp6", "comment")
                            .contains(module)) {
                        throw bad(text, "match module '-m " + module + "' is not known to explain");
                    }
                    if (not) {
                        throw bad(text, "'! -m' is not an iptables option");
                    }
                }
                case "-j" -> {
                    target = next(t, i++, text, opt);
                    if (!TERMINAL_OR_KNOWN.contains(target) && !chains.contains(target)) {
                        throw bad(text, "target '" + target + "' is neither a target explain knows nor a chain of table " + table);
                    }
                }
                default -> {
                    if (!opt.startsWith("--") || module == null) {
                        throw bad(text, "option '" + opt + "' is not known to explain");
                    }
                    String value = next(t, i++, text, opt);
                    if (module.equals("comment") && opt.equals("--comment")) {
                        origin = value;
                        continue;
                    }
                    matches.add(moduleMatch(module, opt, value, not, text, host));
                }
            }
        }
        if (target == null) {
            throw bad(text, "the rule has no target (-j)");
        }
        return new IptRule(table, chain, text, origin, List.copyOf(matches), target, Map.copyOf(targetOptions));
    }

    boolean matches(Packet p) {
        for (Match m : matches) {
            if (!m.test().test(p)) {
                return false;
            }
        }
        return true;
    }

    private static Match moduleMatch(String module, String opt, String value, boolean not, String text, Host host) {
        switch (module) {
            case "tcp", "udp", "sctp" -> {
                if (opt.equals("--dport") || opt.equals("--sport")) {
                    int[] range = portRange(value, text);
                    boolean dst = opt.equals("--dport");
                    return match(opt, value, not, p -> p.protocol.equals(module)
                            && inRange(dst ? p.destinationPort : p.sourcePort, range));
                }
            }
            case "multiport" -> {
                if (opt.equals("--dports") || opt.equals("--sports")) {
                    List<int[]> ranges = new ArrayList<>();
                    for (String part : value.split(",", -1)) {
                        ranges.add(portRange(part, text));
                    }
                    boolean dst = opt.equals("--dports");
                    return match(opt, value, not, p -> p.hasPorts()
                            && ranges.stream().anyMatch(r -> inRange(dst ? p.destinationPort : p.sourcePort, r)));
                }
            }
            case "conntrack" -> {
                if (opt.equals("--ctstate")) {
                    Set<String> known = Set.of("NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED", "SNAT", "DNAT");
                    List<String> states = List.of(value.split(","));
                    for (String s : states) {
                        if (!known.contains(s)) {
                            throw bad(text, "conntrack state '" + s + "' is not known to explain");
                        }
                    }
                    return match(opt, value, not, p -> states.stream().anyMatch(p.ctstates::contains));
                }
                if (opt.equals("--ctorigdst") || opt.equals("--ctorigsrc")) {
                    checkCidr(value, text);
                    boolean dst = opt.equals("--ctorigdst");
                    return match(opt, value, not, p -> Addresses.in(dst ? p.originalDestination : p.originalSource, value));
                }
                if (opt.equals("--ctorigdstport")) {
                    int[] range = portRange(value, text);
                    return match(opt, value, not, p -> p.hasPorts() && inRange(p.originalDestinationPort, range));
                }
            }
            case "addrtype" -> {
                if (opt.equals("--dst-type") || opt.equals("--src-type")) {
                    if (!value.equals("LOCAL")) {
                        throw bad(text, "address type '" + value + "' is not known to explain (only LOCAL)");
                    }
                    boolean dst = opt.equals("--dst-type");
                    return match(opt, value, not, p -> host.isLocal(dst ? p.destination : p.source));
                }
            }
            case "icmp", "icmp6" -> {
                if (opt.equals(module.equals("icmp") ? "--icmp-type" : "--icmpv6-type")) {
                    int type = IcmpTypes.type(module.equals("icmp"), value);
                    if (type < -1) {
                        throw bad(text, "ICMP type '" + value + "' is not known to explain");
                    }
                    String proto = module.equals("icmp") ? "icmp" : "ipv6-icmp";
                    return match(opt, value, not, p -> p.protocol.equals(proto) && (type == -1 || p.icmpType == type));
                }
            }
            default -> {
            }
        }
        throw bad(text, "option '" + opt + "' of '-m " + module + "' is not known to explain");
    }

    private static Match match(String opt, String value, boolean not, Predicate<Packet> test) {
        return new Match((not ? "! " : "") + opt + " " + value, not ? test.negate() : test);
    }

    /** iptables' interface match: a name, or a prefix ending in '+'. */
    private static boolean iface(String actual, String pattern) {
        if (actual == null) {
            return false;
        }
        return pattern.endsWith("+") ? actual.startsWith(pattern.substring(0, pattern.length() - 1)) : actual.equals(pattern);
    }

    private static String protocol(String p, String text) {
        String l = p.toLowerCase(Locale.ROOT);
        return switch (l) {
            case "tcp", "udp", "sctp", "icmp", "all" -> l;
            case "ipv6-icmp", "icmpv6", "icmp6" -> "ipv6-icmp";
            default -> throw bad(text, "protocol '" + p + "' is not known to explain");
        };
    }

    private static int[] portRange(String v, String text) {
        try {
            int colon = v.indexOf(':');
            int lo = colon < 0 ? Integer.parseInt(v) : colon == 0 ? 0 : Integer.parseInt(v.substring(0, colon));
            int hi = colon < 0 ? lo : colon == v.length() - 1 ? 65535 : Integer.parseInt(v.substring(colon + 1));
            return new int[] {lo, hi};
        } catch (NumberFormatException e) {
            throw bad(text, "port '" + v + "' is not a port or a range a:b");
        }
    }

    private static boolean inRange(int port, int[] r) {
        return port >= r[0] && port <= r[1];
    }

    private static void checkCidr(String cidr, String text) {
        int slash = cidr.indexOf('/');
        if (Addresses.parse(slash < 0 ? cidr : cidr.substring(0, slash)) == null) {
            throw bad(text, "'" + cidr + "' is not an address or prefix");
        }
    }

    private static String next(List<String> t, int i, String text, String after) {
        if (i >= t.size()) {
            throw bad(text, "'" + after + "' needs a value");
        }
        return t.get(i);
    }

    /** Splits on spaces; a double-quoted word (a comment) is one token without its quotes. */
    private static List<String> tokens(String spec, String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < spec.length()) {
            char c = spec.charAt(i);
            if (c == ' ') {
                i++;
            } else if (c == '"') {
                int end = spec.indexOf('"', i + 1);
                if (end < 0) {
                    throw bad(text, "unterminated quote");
                }
                out.add(spec.substring(i + 1, end));
                i = end + 1;
            } else {
                int end = spec.indexOf(' ', i);
                end = end < 0 ? spec.length() : end;
                out.add(spec.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    static ExplainException bad(String text, String why) {
        return new ExplainException("cannot explain the rule '" + text + "': " + why
                + "; explain evaluates only the matches and targets it knows, and never guesses", true);
    }
}
