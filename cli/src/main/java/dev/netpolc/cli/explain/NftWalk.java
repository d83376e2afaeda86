package dev.netpolc.cli.explain;

import dev.netpolc.backend.nftables.NftablesView;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates a packet against the netpolc nftables table: base chains by hook, rules in order,
 * set and map lookups against the sets' elements. Every rule is parsed up front into the
 * expressions it is made of; a form explain does not know stops it with the rule's text. A
 * rule's policy line is the comment of the first set element it matched (the annotated table
 * comments every element), else the layout itself.
 */
final class NftWalk implements RuleWalk {

    private static final int MAX_DEPTH = 16;
    private static final Pattern HOOK = Pattern.compile("type (\\w+) hook (\\w+) priority [^;]+;(?: policy (\\w+);)?");

    /** One element of a set or map: key components, the value (maps), the comment. */
    private record Element(List<String> key, String value, String comment) {}

    /** A selector of a key: what it reads from the packet and how its elements compare. */
    private enum Sel {
        IIFNAME, OIFNAME, SADDR4, DADDR4, SADDR6, DADDR6, L4PROTO, NFPROTO, DPORT, SPORT,
        TCP_DPORT, TCP_SPORT, UDP_DPORT, UDP_SPORT, SCTP_DPORT, SCTP_SPORT, ICMP_TYPE, ICMPV6_TYPE,
        CT_ORIG_DADDR4, CT_ORIG_DADDR6, CT_ORIG_SADDR4, CT_ORIG_SADDR6, CT_ORIG_PROTO_DST
    }

    /** One term of a rule: a match, or the final statement. */
    private interface Term {}

    /** {@code KEY [!=] @set} or {@code KEY [!=] literal} or {@code KEY { a, b }}. */
    private record Lookup(List<Sel> key, boolean negated, String set, List<String> literal) implements Term {}

    private record Fib(boolean daddr) implements Term {}

    /** {@code ct state A,B} or {@code ct status dnat,snat}: both read the packet's conntrack flags. */
    private record CtState(List<String> states) implements Term {}

    /** accept, drop, reject, return, jump X, masquerade, snat/dnat (to KEY map @m or to literal), log, counter. */
    private record Statement(String verb, String argument, List<Sel> mapKey, String map) implements Term {}

    private record NftRule(String text, List<Term> terms) {}

    private record BaseChain(String name, String type, String hook, String policy) {}

    private final Map<String, List<Element>> sets = new LinkedHashMap<>();
    private final Map<String, List<NftRule>> chains = new LinkedHashMap<>();
    private final List<BaseChain> bases = new ArrayList<>();
    private Topology topology;
    private Trace trace;
    private final String layoutOrigin;
    private final String tableName;

    NftWalk(NftablesView.TableView annotated, Topology topology, Trace trace, String layoutOrigin) {
        this.topology = topology;
        this.trace = trace;
        this.layoutOrigin = layoutOrigin;
        this.tableName = annotated.family() + " " + annotated.name();
        for (NftablesView.SetView s : annotated.sets()) {
            sets.put(s.name(), elements(s));
        }
        for (NftablesView.ChainView c : annotated.chains()) {
            chains.put(c.name(), new ArrayList<>());
            if (c.hook() != null) {
                Matcher m = HOOK.matcher(c.hook());
                if (!m.find()) {
                    throw bad("chain " + c.name() + " " + c.hook(), "a base chain explain cannot read");
                }
                bases.add(new BaseChain(c.name(), m.group(1), m.group(2), m.group(3) == null ? "accept" : m.group(3)));
            }
        }
        for (NftablesView.ChainView c : annotated.chains()) {
            for (String r : c.rules()) {
                chains.get(c.name()).add(parse(r));
            }
        }
    }

    @Override
    public void bind(Topology topology, Trace trace) {
        this.topology = topology;
        this.trace = trace;
    }

    @Override
    public Outcome hook(String table, String chain, Packet p) {
        String type = table.equals("nat") ? "nat" : table.equals("filter") ? "filter" : table;
        String hook = chain.toLowerCase(java.util.Locale.ROOT);
        for (BaseChain b : bases) {
            if (!b.type().equals(type) || !b.hook().equals(hook)) {
                continue;
            }
            if (type.equals("nat") && !p.tracked) {
                trace.step("note", 0, tableName, b.name(), null, null, "chain " + b.name()
                        + ": not consulted (conntrack does not track the packet)");
                return new Outcome("ACCEPT", null, null);
            }
            trace.step("chain", 0, tableName, b.name(), null, null,
                    "type " + b.type() + " hook " + b.hook() + ", policy " + b.policy());
            Outcome o = run(b.name(), p, 0);
            if (o != null) {
                return o;
            }
            String what = "policy " + b.policy() + " of chain " + b.name();
            trace.step("policy", 0, tableName, b.name(), null, null, "end of chain: " + what);
            String origin = layoutOrigin;
            if (b.hook().equals("forward") && !topology.policy.settings().span().isBuiltin()) {
                var s = topology.policy.settings().span();
                origin = s.file() + ":" + s.line() + " settings (forward policy)";
            }
            return new Outcome(b.policy().toUpperCase(java.util.Locale.ROOT), what, origin);
        }
        return new Outcome("ACCEPT", null, null);
    }

    private Outcome run(String chain, Packet p, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ExplainException("nftables chains nest deeper than " + MAX_DEPTH + " at " + chain, true);
        }
        rules:
        for (NftRule r : chains.get(chain)) {
            String origin = null;
            for (Term t : r.terms()) {
                if (t instanceof Statement st) {
                    String o = origin == null ? layoutOrigin : origin;
                    switch (st.verb()) {
                        case "accept", "drop" -> {
                            trace.step("rule", depth, tableName, chain, r.text(), o, null);
                            return new Outcome(st.verb().toUpperCase(java.util.Locale.ROOT), r.text(), o);
                        }
                        case "reject" -> {
                            trace.step("rule", depth, tableName, chain, r.text(), o, "rejected");
                            return new Outcome("REJECT", r.text(), o);
                        }
                        case "return" -> {
                            trace.step("rule", depth, tableName, chain, r.text(), o, "back to the calling chain");
                            return null;
                        }
                        case "log", "counter" -> {
                            if (st.verb().equals("log")) {
                                trace.step("rule", depth, tableName, chain, r.text(), o, "logged; the packet goes on");
                            }
                            continue;
                        }
                        case "jump" -> {
                            trace.step("rule", depth, tableName, chain, r.text(), o, null);
                            trace.step("chain", depth + 1, tableName, st.argument(), null, null, null);
                            Outcome out = run(st.argument(), p, depth + 1);
                            if (out != null) {
                                return out;
                            }
                            trace.step("policy", depth + 1, tableName, st.argument(), null, null, "end of chain: back to " + chain);
                            continue rules;
                        }
                        case "masquerade" -> {
                            IpAddr before = p.source;
                            p.source = topology.masqueradeAddress(p.out);
                            p.ctstates.add("SNAT");
                            trace.step("rule", depth, tableName, chain, r.text(), o, null);
                            trace.step("nat", depth, tableName, chain, null, null, "source " + before + " becomes " + p.source
                                    + (p.out.equals(topology.uplink) && !topology.uplinkAddressGiven
                                    ? " (the uplink's address; " + p.source + " stands for it: give --host-address to name it)" : ""));
                            return new Outcome("ACCEPT", r.text(), o);
                        }
                        case "snat", "dnat" -> {
                            String value;
                            if (st.map() != null) {
                                Element e = lookup(st.map(), st.mapKey(), p);
                                if (e == null) {
                                    continue rules;
                                }
                                origin = origin == null ? e.comment() : origin;
                                o = origin == null ? layoutOrigin : origin;
                                value = e.value();
                            } else {
                                value = st.argument();
                            }
                            trace.step("rule", depth, tableName, chain, r.text(), o, null);
                            if (st.verb().equals("snat")) {
                                IpAddr before = p.source;
                                p.source = address(value, r.text());
                                p.ctstates.add("SNAT");
                                trace.step("nat", depth, tableName, chain, null, null, "source " + before + " becomes " + p.source);
                            } else {
                                String before = p.destination.withPort(p.destinationPort);
                                String[] parts = value.split(" \\. ");
                                p.destination = address(parts[0], r.text());
                                if (parts.length > 1) {
                                    p.destinationPort = Integer.parseInt(parts[1].strip());
                                }
                                p.ctstates.add("DNAT");
                                trace.step("nat", depth, tableName, chain, null, null, "destination " + before + " becomes "
                                        + p.destination.withPort(p.destinationPort));
                            }
                            return new Outcome("ACCEPT", r.text(), o);
                        }
                        default -> throw bad(r.text(), "statement '" + st.verb() + "'");
                    }
                }
                Boolean m;
                if (t instanceof Fib f) {
                    m = topology.isLocal(f.daddr() ? p.destination : p.source);
                } else if (t instanceof CtState c) {
                    m = c.states().stream().anyMatch(s -> p.ctstates.contains(s.toUpperCase(java.util.Locale.ROOT)));
                } else {
                    Lookup l = (Lookup) t;
                    List<String> key = key(l.key(), p);
                    if (key == null) {
                        continue rules;
                    }
                    if (l.set() != null) {
                        Element e = find(l.set(), l.key(), key);
                        m = e != null;
                        if (m && !l.negated() && origin == null) {
                            origin = e.comment();
                        }
                    } else {
                        m = l.literal().stream().anyMatch(v -> component(l.key().get(0), key.get(0), v));
                    }
                    m = l.negated() != m;
                }
                if (!m) {
                    continue rules;
                }
            }
            // only log or counter: the packet goes on
        }
        return null;
    }

    private Element lookup(String map, List<Sel> key, Packet p) {
        List<String> k = key(key, p);
        return k == null ? null : find(map, key, k);
    }

    private Element find(String set, List<Sel> sels, List<String> key) {
        for (Element e : sets.get(set)) {
            if (e.key().size() != key.size()) {
                continue;
            }
            boolean all = true;
            for (int i = 0; i < key.size() && all; i++) {
                if (!valid(sels.get(i), e.key().get(i).strip().replace("\"", "x"))) {
                    throw new ExplainException("cannot read element '" + String.join(" . ", e.key()) + "' of set " + set
                            + "; explain never guesses", true);
                }
                all = component(sels.get(i), key.get(i), e.key().get(i));
            }
            if (all) {
                return e;
            }
        }
        return null;
    }

    /** The packet's values for a key, or null when the packet has no such field (an IPv6 packet for "ip saddr"). */
    private static List<String> key(List<Sel> sels, Packet p) {
        List<String> out = new ArrayList<>();
        for (Sel s : sels) {
            String v = switch (s) {
                case IIFNAME -> p.in == null ? "" : p.in;
                case OIFNAME -> p.out == null ? "" : p.out;
                case SADDR4 -> p.family == Family.IPV4 ? p.source.text() : null;
                case DADDR4 -> p.family == Family.IPV4 ? p.destination.text() : null;
                case SADDR6 -> p.family == Family.IPV6 ? p.source.text() : null;
                case DADDR6 -> p.family == Family.IPV6 ? p.destination.text() : null;
                case L4PROTO -> p.protocol.equals("ipv6-icmp") ? "icmpv6" : p.protocol;
                case NFPROTO -> p.family == Family.IPV4 ? "ipv4" : "ipv6";
                case DPORT -> p.hasPorts() ? Integer.toString(p.destinationPort) : null;
                case SPORT -> p.hasPorts() ? Integer.toString(p.sourcePort) : null;
                case TCP_DPORT -> p.protocol.equals("tcp") ? Integer.toString(p.destinationPort) : null;
                case TCP_SPORT -> p.protocol.equals("tcp") ? Integer.toString(p.sourcePort) : null;
                case UDP_DPORT -> p.protocol.equals("udp") ? Integer.toString(p.destinationPort) : null;
                case UDP_SPORT -> p.protocol.equals("udp") ? Integer.toString(p.sourcePort) : null;
                case SCTP_DPORT -> p.protocol.equals("sctp") ? Integer.toString(p.destinationPort) : null;
                case SCTP_SPORT -> p.protocol.equals("sctp") ? Integer.toString(p.sourcePort) : null;
                case ICMP_TYPE -> p.protocol.equals("icmp") ? Integer.toString(p.icmpType) : null;
                case ICMPV6_TYPE -> p.protocol.equals("ipv6-icmp") ? Integer.toString(p.icmpType) : null;
                case CT_ORIG_DADDR4 -> p.family == Family.IPV4 ? p.originalDestination.text() : null;
                case CT_ORIG_DADDR6 -> p.family == Family.IPV6 ? p.originalDestination.text() : null;
                case CT_ORIG_SADDR4 -> p.family == Family.IPV4 ? p.originalSource.text() : null;
                case CT_ORIG_SADDR6 -> p.family == Family.IPV6 ? p.originalSource.text() : null;
                case CT_ORIG_PROTO_DST -> p.hasPorts() ? Integer.toString(p.originalDestinationPort) : null;
            };
            if (v == null) {
                return null;
            }
            out.add(v);
        }
        return out;
    }

    private static boolean component(Sel s, String actual, String element) {
        String e = element.strip();
        return switch (s) {
            case IIFNAME, OIFNAME -> unquote(e).equals(actual);
            case SADDR4, DADDR4, SADDR6, DADDR6, CT_ORIG_DADDR4, CT_ORIG_DADDR6, CT_ORIG_SADDR4, CT_ORIG_SADDR6 -> {
                IpAddr a = Addresses.parse(actual);
                yield a != null && Addresses.in(a, e);
            }
            case ICMP_TYPE, ICMPV6_TYPE -> IcmpTypes.type(s == Sel.ICMP_TYPE, e) == Integer.parseInt(actual);
            case DPORT, SPORT, TCP_DPORT, TCP_SPORT, UDP_DPORT, UDP_SPORT, SCTP_DPORT, SCTP_SPORT, CT_ORIG_PROTO_DST -> {
                int port = Integer.parseInt(actual);
                int dash = e.indexOf('-');
                yield dash < 0 ? port == Integer.parseInt(e)
                        : port >= Integer.parseInt(e.substring(0, dash)) && port <= Integer.parseInt(e.substring(dash + 1));
            }
            default -> e.equals(actual);
        };
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static IpAddr address(String text, String rule) {
        IpAddr a = Addresses.parse(text.strip());
        if (a == null) {
            throw bad(rule, "'" + text + "' is not an address");
        }
        return a;
    }

    // ---- parsing -------------------------------------------------------------------------

    private NftRule parse(String text) {
        List<String> t = tokens(text);
        List<Term> terms = new ArrayList<>();
        int[] i = {0};
        while (i[0] < t.size()) {
            String w = t.get(i[0]);
            switch (w) {
                case "accept", "drop", "return", "masquerade", "counter" -> {
                    terms.add(new Statement(w, null, null, null));
                    i[0]++;
                }
                case "reject" -> {
                    // "with icmp type ..." or "with tcp reset" does not change the verdict
                    terms.add(new Statement(w, null, null, null));
                    i[0] = t.size();
                }
                case "log" -> {
                    terms.add(new Statement(w, null, null, null));
                    i[0]++;
                    while (i[0] < t.size() && java.util.Set.of("prefix", "level", "group", "snaplen", "queue-threshold")
                            .contains(t.get(i[0]))) {
                        i[0] += 2;
                    }
                }
                case "jump" -> {
                    String target = at(t, i[0] + 1, text);
                    if (!chains.containsKey(target)) {
                        throw bad(text, "jump to '" + target + "', which is not a chain of the table");
                    }
                    terms.add(new Statement("jump", target, null, null));
                    i[0] += 2;
                }
                case "fib" -> {
                    String which = at(t, i[0] + 1, text);
                    if (!(which.equals("daddr") || which.equals("saddr")) || !at(t, i[0] + 2, text).equals("type")
                            || !at(t, i[0] + 3, text).equals("local")) {
                        throw bad(text, "only 'fib daddr|saddr type local' is known");
                    }
                    terms.add(new Fib(which.equals("daddr")));
                    i[0] += 4;
                }
                case "ct" -> {
                    String what = at(t, i[0] + 1, text);
                    if (what.equals("original")) {
                        parseMatch(t, i, text, terms);
                    } else if (what.equals("state") || what.equals("status")) {
                        List<String> states = List.of(at(t, i[0] + 2, text).split(","));
                        List<String> known = what.equals("state")
                                ? List.of("new", "established", "related", "invalid", "untracked") : List.of("dnat", "snat");
                        for (String st : states) {
                            if (!known.contains(st)) {
                                throw bad(text, "ct " + what + " '" + st + "' is not known to explain");
                            }
                        }
                        terms.add(new CtState(states));
                        i[0] += 3;
                    } else {
                        throw bad(text, "'ct " + what + "' is not known to explain");
                    }
                }
                case "snat", "dnat" -> {
                    // snat ip to KEY map @m | snat ip to ADDRESS
                    String fam = at(t, i[0] + 1, text);
                    if (!(fam.equals("ip") || fam.equals("ip6")) || !at(t, i[0] + 2, text).equals("to")) {
                        throw bad(text, "only '" + w + " ip|ip6 to ...' is known");
                    }
                    i[0] += 3;
                    int save = i[0];
                    List<Sel> key = keyOf(t, i, text, false);
                    if (key != null && i[0] < t.size() && t.get(i[0]).equals("map")) {
                        String map = at(t, i[0] + 1, text);
                        requireSet(map, text);
                        terms.add(new Statement(w, null, key, map.substring(1)));
                        i[0] += 2;
                    } else {
                        i[0] = save;
                        terms.add(new Statement(w, at(t, i[0], text), null, null));
                        i[0]++;
                    }
                }
                default -> parseMatch(t, i, text, terms);
            }
        }
        if (terms.isEmpty() || !(terms.get(terms.size() - 1) instanceof Statement)) {
            throw bad(text, "the rule has no verdict or statement");
        }
        return new NftRule(text, List.copyOf(terms));
    }

    /** {@code KEY [!=] @set | { a, b } | literal} at i. */
    private void parseMatch(List<String> t, int[] i, String text, List<Term> terms) {
        List<Sel> key = keyOf(t, i, text, true);
        boolean negated = false;
        if (i[0] < t.size() && t.get(i[0]).equals("!=")) {
            negated = true;
            i[0]++;
        }
        String v = at(t, i[0]++, text);
        if (key.size() > 1 && !v.startsWith("@")) {
            throw bad(text, "a concatenation compared with a literal");
        }
        if (v.startsWith("@")) {
            requireSet(v, text);
            terms.add(new Lookup(key, negated, v.substring(1), null));
        } else if (v.startsWith("{")) {
            List<String> vals = new ArrayList<>();
            for (String x : v.substring(1, v.length() - 1).split(",")) {
                vals.add(x.strip());
            }
            terms.add(new Lookup(key, negated, null, vals));
        } else {
            terms.add(new Lookup(key, negated, null, List.of(v)));
        }
        Lookup l = (Lookup) terms.get(terms.size() - 1);
        if (l.literal() != null) {
            for (String x : l.literal()) {
                if (!valid(key.get(0), x)) {
                    throw bad(text, "'" + x + "' is not a value explain can compare with " + key.get(0).name().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
    }

    /** Whether a literal is a value of the selector's type. */
    private static boolean valid(Sel s, String v) {
        return switch (s) {
            case IIFNAME, OIFNAME -> !v.isEmpty();
            case SADDR4, DADDR4, SADDR6, DADDR6, CT_ORIG_DADDR4, CT_ORIG_DADDR6, CT_ORIG_SADDR4, CT_ORIG_SADDR6 -> {
                int slash = v.indexOf('/');
                yield Addresses.parse(slash < 0 ? v : v.substring(0, slash)) != null
                        && (slash < 0 || v.substring(slash + 1).matches("[0-9]{1,3}"));
            }
            case L4PROTO -> List.of("tcp", "udp", "sctp", "icmp", "icmpv6").contains(v);
            case NFPROTO -> v.equals("ipv4") || v.equals("ipv6");
            case ICMP_TYPE, ICMPV6_TYPE -> IcmpTypes.type(s == Sel.ICMP_TYPE, v) >= -1;
            default -> v.matches("[0-9]{1,5}(-[0-9]{1,5})?");
        };
    }

    private void requireSet(String ref, String text) {
        if (!ref.startsWith("@") || !sets.containsKey(ref.substring(1))) {
            throw bad(text, "'" + ref + "' is not a set of the table");
        }
    }

    /** Reads "SEL [. SEL]..." at i; null (when !required) if no selector starts there. */
    private static List<Sel> keyOf(List<String> t, int[] i, String text, boolean required) {
        List<Sel> key = new ArrayList<>();
        while (true) {
            String a = i[0] < t.size() ? t.get(i[0]) : "";
            String b = i[0] + 1 < t.size() ? t.get(i[0] + 1) : "";
            Sel s;
            int len = 2;
            switch (a) {
                case "iifname" -> {
                    s = Sel.IIFNAME;
                    len = 1;
                }
                case "oifname" -> {
                    s = Sel.OIFNAME;
                    len = 1;
                }
                case "ip", "ip6" -> s = switch (b) {
                    case "saddr" -> a.equals("ip") ? Sel.SADDR4 : Sel.SADDR6;
                    case "daddr" -> a.equals("ip") ? Sel.DADDR4 : Sel.DADDR6;
                    default -> null;
                };
                case "meta" -> s = b.equals("l4proto") ? Sel.L4PROTO : b.equals("nfproto") ? Sel.NFPROTO : null;
                case "th" -> s = b.equals("dport") ? Sel.DPORT : b.equals("sport") ? Sel.SPORT : null;
                case "tcp" -> s = b.equals("dport") ? Sel.TCP_DPORT : b.equals("sport") ? Sel.TCP_SPORT : null;
                case "udp" -> s = b.equals("dport") ? Sel.UDP_DPORT : b.equals("sport") ? Sel.UDP_SPORT : null;
                case "sctp" -> s = b.equals("dport") ? Sel.SCTP_DPORT : b.equals("sport") ? Sel.SCTP_SPORT : null;
                case "icmp" -> s = b.equals("type") ? Sel.ICMP_TYPE : null;
                case "icmpv6" -> s = b.equals("type") ? Sel.ICMPV6_TYPE : null;
                case "ct" -> {
                    String c = i[0] + 2 < t.size() ? t.get(i[0] + 2) : "";
                    String d = i[0] + 3 < t.size() ? t.get(i[0] + 3) : "";
                    s = null;
                    if (b.equals("original") && c.equals("proto-dst")) {
                        s = Sel.CT_ORIG_PROTO_DST;
                        len = 3;
                    } else if (b.equals("original") && (c.equals("ip") || c.equals("ip6"))
                            && (d.equals("daddr") || d.equals("saddr"))) {
                        boolean v4 = c.equals("ip");
                        s = d.equals("daddr") ? (v4 ? Sel.CT_ORIG_DADDR4 : Sel.CT_ORIG_DADDR6)
                                : (v4 ? Sel.CT_ORIG_SADDR4 : Sel.CT_ORIG_SADDR6);
                        len = 4;
                    }
                }
                default -> s = null;
            }
            if (s == null) {
                if (key.isEmpty() && !required) {
                    return null;
                }
                throw bad(text, "'" + (a + " " + b).strip() + "' is not an expression explain knows");
            }
            key.add(s);
            i[0] += len;
            if (i[0] < t.size() && t.get(i[0]).equals(".")) {
                i[0]++;
                continue;
            }
            return key;
        }
    }

    private static String at(List<String> t, int i, String text) {
        if (i >= t.size()) {
            throw bad(text, "the rule ends too early");
        }
        return t.get(i);
    }

    /** Words; "{ a, b }" is one token, a quoted string is one token with its quotes. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '{') {
                int end = s.indexOf('}', i);
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else if (c == '"') {
                int end = s.indexOf('"', i + 1);
                out.add(s.substring(i, end + 1));
                i = end + 1;
            } else {
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
                out.add(s.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    /** The elements of a set as the view lays them out: "KEY [comment "..."] [: VALUE]", comma separated. */
    private static List<Element> elements(NftablesView.SetView s) {
        List<Element> out = new ArrayList<>();
        String text = s.elements();
        if (text == null || text.isBlank()) {
            return out;
        }
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        Pattern p = Pattern.compile("^(.*?)(?:\\s+comment\\s+\"([^\"]*)\")?(?:\\s+:\\s+(.*))?$", Pattern.DOTALL);
        for (String part : parts) {
            Matcher m = p.matcher(part.strip());
            if (!m.matches()) {
                throw new ExplainException("cannot read an element of set " + s.name() + ": " + part, true);
            }
            List<String> key = new ArrayList<>();
            for (String k : m.group(1).split(" \\. ")) {
                key.add(k.strip());
            }
            out.add(new Element(key, m.group(3) == null ? null : m.group(3).strip(), m.group(2)));
        }
        return out;
    }

    private static ExplainException bad(String rule, String why) {
        return new ExplainException("cannot explain the nftables rule '" + rule + "': " + why
                + "; explain evaluates only the expressions it knows, and never guesses", true);
    }
}
