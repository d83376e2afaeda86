package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.EndpointAst;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Cidrs;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleAction;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.RuleService;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves {@code define} sets and policy rules against the resolved networks and containers:
 * every name becomes the addresses the kernel matches, every option a {@link RuleService}.
 */
final class RuleResolver {

    static final Set<String> SPECIAL = Set.of("any", "host", "external");
    private static final Set<String> PROTOCOLS = Set.of("tcp", "udp", "sctp", "icmp");
    /** What a comment or log prefix may hold besides ASCII letters and digits: what every target prints and reads back unchanged. */
    private static final String TEXT_PUNCTUATION = " ._:/@,=+>-[]()";
    static final int MAX_COMMENT = 96;
    static final int MAX_LOG_PREFIX = 28;

    private final Diagnostics diags;
    private final Map<String, Network> networks = new LinkedHashMap<>();
    private final Map<String, Container> containers = new LinkedHashMap<>();
    private final Set<String> declared;
    private final Map<String, Define> defines = new LinkedHashMap<>();
    private final Map<String, Members> resolvedDefines = new HashMap<>();
    private final Set<String> resolving = new LinkedHashSet<>();
    /** The normalised addresses of each set's members, made once however many rules name the set. */
    private final Map<Members, List<Cidr>> normalized = new IdentityHashMap<>();

    /** What an endpoint stands for, while it is being resolved. */
    private static final class Members {
        boolean any;
        boolean host;
        boolean external;
        boolean failed;
        final LinkedHashSet<Cidr> cidrs = new LinkedHashSet<>();

        void addAll(Members m) {
            any |= m.any;
            host |= m.host;
            external |= m.external;
            failed |= m.failed;
            cidrs.addAll(m.cidrs);
        }
    }

    /**
     * @param declared the names of every network and container block, resolved or not: a name whose
     *                 declaration had an error is not reported again as undefined
     */
    RuleResolver(Diagnostics diags, List<Network> networks, List<Container> containers, Set<String> declared) {
        this.diags = diags;
        for (Network n : networks) {
            this.networks.put(n.name(), n);
        }
        for (Container c : containers) {
            this.containers.put(c.name(), c);
        }
        this.declared = declared;
    }

    List<PolicyRule> resolve(List<Define> defineDecls, List<RuleDecl> decls) {
        for (Define d : defineDecls) {
            define(d);
        }
        for (Define d : defines.values()) {
            members(d.name().text(), d.name().span());
        }
        List<PolicyRule> rules = new ArrayList<>();
        for (RuleDecl r : decls) {
            PolicyRule rule = rule(r, rules.size() + 1);
            if (rule != null) {
                rules.add(rule);
            }
        }
        return rules;
    }

    private void define(Define d) {
        String name = d.name().text();
        Names.objectNameProblem(name).ifPresent(p -> diags.report(DiagnosticCode.INVALID_VALUE, d.name().textSpan(), p,
                Note.help("name a set with letters, digits, '.', '-' and '_'")));
        Define earlier = defines.get(name);
        if (earlier != null) {
            diags.report(DiagnosticCode.DUPLICATE_DEFINE, d.name().span(), "set '" + name + "' is defined twice",
                    Note.note("first defined at " + earlier.name().span()), Note.help("rename one of them or merge them"));
            return;
        }
        String clash = SPECIAL.contains(name) ? "the endpoint '" + name + "'"
                : networks.containsKey(name) || (declared.contains(name) && !containers.containsKey(name)) ? "a network"
                : containers.containsKey(name) ? "a container" : null;
        if (clash != null) {
            diags.report(DiagnosticCode.DUPLICATE_DEFINE, d.name().span(), "set '" + name + "' has the name of " + clash,
                    Note.note("a bare name in a rule must say one thing"), Note.help("give the set another name"));
            return;
        }
        defines.put(name, d);
    }

    /** The members of a named set, resolved once; a cycle is reported where it closes. */
    private Members members(String name, SourceSpan usedAt) {
        Members done = resolvedDefines.get(name);
        if (done != null) {
            return done;
        }
        if (resolving.contains(name)) {
            List<String> cycle = new ArrayList<>(resolving);
            cycle = cycle.subList(cycle.indexOf(name), cycle.size());
            diags.report(DiagnosticCode.DEFINE_CYCLE, usedAt, "set '" + name + "' contains itself: "
                    + String.join(" -> ", cycle) + " -> " + name, Note.help("remove one of the references in the cycle"));
            Members failed = new Members();
            failed.failed = true;
            return failed;
        }
        resolving.add(name);
        Members m = endpoint(defines.get(name).set());
        resolving.remove(name);
        resolvedDefines.put(name, m);
        return m;
    }

    private Members endpoint(EndpointAst e) {
        Members m = new Members();
        switch (e.kind()) {
            case SET:
                if (e.members().isEmpty()) {
                    diags.report(DiagnosticCode.INVALID_ENDPOINT, e.span(), "an empty set matches nothing",
                            Note.help("list at least one container, network, set or address between the braces"));
                    m.failed = true;
                }
                for (EndpointAst member : e.members()) {
                    if (member.kind() == EndpointAst.Kind.WORD && looksLikeAddress(member.value().text())) {
                        // straight into the set: what endpoint(member) and addAll would give, without
                        // a set of its own for each of 100,000 addresses
                        address(member.value(), m);
                        continue;
                    }
                    Members sub = endpoint(member);
                    if (sub.host) {
                        diags.report(DiagnosticCode.INVALID_ENDPOINT, member.span(), "'host' cannot be a member of a set",
                                Note.note("traffic to or from the host passes other chains than forwarded traffic"),
                                Note.help("write a separate rule for the host"));
                        sub.failed = true;
                        sub.host = false;
                    }
                    m.addAll(sub);
                }
                return m;
            case NETWORK:
                network(e.value(), m);
                return m;
            case CONTAINER:
                container(e.value(), m);
                return m;
            default:
                if (isDefine(e.value())) {
                    // the set's own members, not a copy: nothing changes an endpoint's members once
                    // resolved (only 'host' is ever cleared, and a set never holds it), and a rule
                    // that names a set of 100,000 addresses then shares its list and normal form
                    return members(e.value().text(), e.value().span());
                }
                word(e.value(), m);
                return m;
        }
    }

    /** Whether a bare word in a rule names a set: what {@link #word} would look up in the sets. */
    private boolean isDefine(Value v) {
        String text = v.text();
        return !(!v.quoted() && SPECIAL.contains(text)) && !looksLikeAddress(text) && defines.containsKey(text);
    }

    private void word(Value v, Members m) {
        String text = v.text();
        if (!v.quoted() && SPECIAL.contains(text)) {
            switch (text) {
                case "any":
                    m.any = true;
                    break;
                case "host":
                    m.host = true;
                    break;
                default:
                    m.external = true;
                    break;
            }
            return;
        }
        if (looksLikeAddress(text)) {
            address(v, m);
            return;
        }
        if (defines.containsKey(text)) {
            m.addAll(members(text, v.span()));
            return;
        }
        boolean isNetwork = networks.containsKey(text);
        boolean isContainer = containers.containsKey(text);
        if (isNetwork && isContainer) {
            diags.report(DiagnosticCode.AMBIGUOUS_NAME, v.textSpan(), "'" + text + "' is both a network and a container",
                    Note.help("write 'network " + text + "' or 'container " + text + "'"));
            m.failed = true;
        } else if (isNetwork) {
            network(v, m);
        } else if (isContainer) {
            container(v, m);
        } else if (declared.contains(text)) {
            m.failed = true; // its declaration has an error of its own
        } else {
            List<String> candidates = new ArrayList<>(SPECIAL);
            candidates.addAll(networks.keySet());
            candidates.addAll(containers.keySet());
            candidates.addAll(defines.keySet());
            undefined(v, "container, network or set", candidates, m);
        }
    }

    private void undefined(Value v, String what, List<String> candidates, Members m) {
        List<Note> notes = new ArrayList<>();
        Suggest.didYouMean(v.text(), candidates).ifPresent(notes::add);
        notes.add(Note.help("declare it, or name a " + what + " the policy declares"));
        diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.UNDEFINED_NAME, DiagnosticCode.UNDEFINED_NAME.defaultSeverity(),
                v.textSpan(), "no " + what + " named '" + Names.printable(v.text()) + "'", notes));
        m.failed = true;
    }

    private static boolean looksLikeAddress(String text) {
        if (text.indexOf(':') >= 0 || text.indexOf('/') >= 0) {
            return true;
        }
        if (text.isEmpty() || !Character.isDigit(text.charAt(0))) {
            return false;
        }
        // a loop, not a stream with a lambda: it runs for every word of every rule and set
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(Character.isDigit(c) || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private void address(Value v, Members m) {
        Addresses.Parsed p = v.text().indexOf('/') >= 0 ? Addresses.cidr(v.text()) : Addresses.address(v.text());
        if (!p.ok()) {
            diags.report(DiagnosticCode.INVALID_ADDRESS, v.textSpan(), p.error(),
                    Note.help("write an address such as 10.0.0.5 or a subnet such as 10.0.0.0/8 or 2001:db8::/32"));
            m.failed = true;
            return;
        }
        if (p.hostBits()) {
            diags.report(DiagnosticCode.CIDR_HOST_BITS, v.textSpan(), v.text() + " has host bits set",
                    Note.help("write " + Addresses.networkOf(p.address()) + ", or the single address without a prefix"));
            m.failed = true;
            return;
        }
        if (v.text().indexOf('/') >= 0) {
            m.cidrs.add(Addresses.irCidr(p.address()));
        } else {
            IpAddr a = Addresses.ir(p.address());
            m.cidrs.add(new Cidr(a, a.family().bits()));
        }
    }

    private void network(Value v, Members m) {
        Network n = networks.get(v.text());
        if (n == null) {
            if (declared.contains(v.text()) && !containers.containsKey(v.text())) {
                m.failed = true;
                return;
            }
            undefined(v, "network", new ArrayList<>(networks.keySet()), m);
            return;
        }
        if (!n.isBridge()) {
            diags.report(DiagnosticCode.INVALID_ENDPOINT, v.textSpan(), "network '" + n.name() + "' uses the "
                    + n.driver().keyword() + " driver; " + bypass(n),
                    Note.note("network '" + n.name() + "' is declared at " + n.span()),
                    Note.help("rules filter bridge networks; remove '" + n.name() + "' from the rule"));
            m.failed = true;
            return;
        }
        n.subnet(Family.IPV4).ifPresent(s -> m.cidrs.add(s.cidr()));
        n.subnet(Family.IPV6).ifPresent(s -> m.cidrs.add(s.cidr()));
    }

    private static String bypass(Network n) {
        switch (n.driver()) {
            case HOST:
                return "its containers' traffic is the host's own: write 'host' instead";
            case NONE:
                return "its containers have no network traffic to filter";
            default:
                return "its traffic does not pass through this host's firewall, so no rule can filter it";
        }
    }

    private void container(Value v, Members m) {
        Container c = containers.get(v.text());
        if (c == null) {
            if (declared.contains(v.text()) && !networks.containsKey(v.text())) {
                m.failed = true;
                return;
            }
            undefined(v, "container", new ArrayList<>(containers.keySet()), m);
            return;
        }
        int before = m.cidrs.size();
        for (Attachment a : c.attachments()) {
            Network n = networks.get(a.network());
            if (n == null) {
                m.failed = true; // the network's declaration has an error of its own
                return;
            }
            if (!n.isBridge()) {
                continue;
            }
            for (IpAddr ip : new IpAddr[] {a.ipv4(), a.ipv6()}) {
                if (ip != null) {
                    m.cidrs.add(new Cidr(ip, ip.family().bits()));
                }
            }
        }
        if (m.cidrs.size() == before) {
            Network first = c.attachments().isEmpty() ? null : networks.get(c.attachments().get(0).network());
            diags.report(DiagnosticCode.INVALID_ENDPOINT, v.textSpan(), "container '" + c.name()
                    + "' is on no bridge network; " + (first == null ? "it has no traffic to filter" : bypass(first)),
                    Note.note("container '" + c.name() + "' is declared at " + c.span()),
                    Note.help("rules filter containers on bridge networks; remove '" + c.name() + "' from the rule"));
            m.failed = true;
        }
    }

    private PolicyRule rule(RuleDecl r, int number) {
        int errors = diags.errorCount();
        Members from = endpoint(r.from());
        Members to = endpoint(r.to());
        RuleHook hook = RuleHook.FORWARD;
        if (from.host && to.host) {
            diags.report(DiagnosticCode.INVALID_ENDPOINT, r.to().span(), "a rule from 'host' to 'host' filters nothing",
                    Note.note("the host's traffic to itself is never filtered by policy rules"),
                    Note.help("name a container, network, set or address on one side"));
            return null;
        } else if (to.host) {
            hook = RuleHook.INPUT;
        } else if (from.host) {
            hook = RuleHook.OUTPUT;
        }
        List<RuleService> services = services(r);
        String comment = null;
        for (Attr o : r.options()) {
            if (o.key().equals("comment")) {
                comment = text(o.value(), "a comment", MAX_COMMENT);
            }
        }
        String prefix = null;
        RuleAction action = r.verdict() == null ? RuleAction.LOG : RuleAction.valueOf(r.verdict().toUpperCase(Locale.ROOT));
        if (r.log()) {
            prefix = r.logPrefix() != null ? text(r.logPrefix(), "a log prefix", MAX_LOG_PREFIX)
                    : "netpolc " + r.span().line() + " " + action.keyword() + " ";
        }
        if (from.failed || to.failed || services == null || diags.errorCount() > errors) {
            return null;
        }
        RuleEndpoint f = endpoint(r.from(), from);
        RuleEndpoint t = endpoint(r.to(), to);
        PolicyRule rule = new PolicyRule(number, action, r.log(), prefix, hook, f, t, services, comment, r.text(), r.span());
        if (!rule.applies(Family.IPV4) && !rule.applies(Family.IPV6)) {
            diags.report(DiagnosticCode.RULE_NEVER_MATCHES, r.span(), "this rule can never match: " + families(f) + " -> "
                    + families(t),
                    Note.help("a connection has one address family; name addresses of the same family on both sides"));
            return null;
        }
        return rule;
    }

    private static String families(RuleEndpoint e) {
        boolean v4 = e.covers(Family.IPV4);
        boolean v6 = e.covers(Family.IPV6);
        return "'" + e.text() + "' has " + (v4 ? "only IPv4" : v6 ? "only IPv6" : "no") + " addresses";
    }

    private RuleEndpoint endpoint(EndpointAst ast, Members m) {
        // each address once, none inside another of the list: every backend matches exactly these
        List<Cidr> cidrs = List.of();
        if (!m.any) {
            cidrs = normalized.get(m);
            if (cidrs == null) {
                cidrs = Cidrs.normalize(List.copyOf(m.cidrs));
                normalized.put(m, cidrs);
            }
        }
        return new RuleEndpoint(ast.text(), m.any, m.host, m.external && !m.any, cidrs, ast.span());
    }

    /*
     * The two forms below are written out rather than as regular expressions: on a JVM without an
     * ahead-of-time cache, compiling a pattern with character classes links lambdas of
     * java.util.regex at every start. RuleFormsTest checks both against the expressions.
     */

    /** The index of the first character of {@code t} outside {@code [A-Za-z0-9 ._:/@,=+>\-\[\]()]}, or -1. */
    static int firstBadTextChar(String t) {
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!(Names.isAlnum(c) || TEXT_PUNCTUATION.indexOf(c) >= 0)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The parts of a port as {@code ([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([A-Za-z0-9]+))?} matches
     * them (low, high or null, protocol or null), or null when {@code s} has another form.
     */
    static String[] portParts(String s) {
        int n = s.length();
        int end = digits(s, 0);
        if (end == 0 || end > 5) {
            return null;
        }
        String low = s.substring(0, end);
        String high = null;
        String proto = null;
        int i = end;
        if (i < n && s.charAt(i) == '-') {
            end = digits(s, i + 1);
            if (end == i + 1 || end - i - 1 > 5) {
                return null;
            }
            high = s.substring(i + 1, end);
            i = end;
        }
        if (i < n && s.charAt(i) == '/') {
            end = i + 1;
            while (end < n && Names.isAlnum(s.charAt(end))) {
                end++;
            }
            if (end == i + 1) {
                return null;
            }
            proto = s.substring(i + 1, end);
            i = end;
        }
        return i == n ? new String[] {low, high, proto} : null;
    }

    /** Where the run of ASCII digits from {@code from} ends. */
    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /** A comment or log prefix, checked: it reaches rules and the kernel log exactly as written, or not at all. */
    private String text(Value v, String what, int max) {
        String t = v.text();
        int bad = firstBadTextChar(t);
        if (bad >= 0) {
            diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.span(), what + " cannot hold the character " + Names.printable(t.substring(bad,
                    t.offsetByCodePoints(bad, 1))) + String.format(" (U+%04X)", t.codePointAt(bad))
                    + ": it would not reach the rule as written",
                    Note.help(what + " may hold letters, digits, spaces and . _ : / @ , = + > - [ ] ( )"));
            return null;
        }
        if (t.length() > max) {
            diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.span(), what + " is " + t.length() + " characters long; the limit is " + max,
                    Note.help("shorten it"));
            return null;
        }
        return t;
    }

    /** The rule's services, or null when an option is wrong (reported). */
    private List<RuleService> services(RuleDecl r) {
        Map<String, Attr> seen = new HashMap<>();
        boolean ok = true;
        for (Attr o : r.options()) {
            Attr first = seen.putIfAbsent(o.key(), o);
            if (first != null) {
                diags.report(DiagnosticCode.INVALID_RULE_OPTION, o.keySpan(), "'" + o.key() + "' is given twice in this rule",
                        Note.note("first given at " + first.keySpan()), Note.help("list every value after one '" + o.key() + "'"));
                ok = false;
            }
        }
        Attr proto = seen.get("proto");
        Attr port = seen.get("port");
        Attr icmpType = seen.get("icmp-type");
        Set<String> protos = new TreeSet<>();
        List<String> protoOrder = new ArrayList<>();
        if (proto != null) {
            for (Value v : proto.values()) {
                if (!PROTOCOLS.contains(v.text())) {
                    List<Note> notes = new ArrayList<>();
                    Suggest.didYouMean(v.text(), PROTOCOLS).ifPresent(notes::add);
                    notes.add(Note.help("write tcp, udp, sctp or icmp (ICMPv6 for IPv6)"));
                    diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.INVALID_RULE_OPTION,
                            DiagnosticCode.INVALID_RULE_OPTION.defaultSeverity(), v.textSpan(),
                            "unknown protocol '" + Names.printable(v.text()) + "'", notes));
                    ok = false;
                } else if (protos.add(v.text())) {
                    protoOrder.add(v.text());
                }
            }
        }
        List<RuleService> out = new ArrayList<>();
        if (port != null) {
            if (protos.contains("icmp")) {
                diags.report(DiagnosticCode.INVALID_RULE_OPTION, port.keySpan(), "ICMP has no ports",
                        Note.help("use 'icmp-type' for ICMP, or write the ICMP part as a rule of its own"));
                return null;
            }
            for (Value v : port.values()) {
                String[] m = portParts(v.text());
                if (m == null) {
                    diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "'" + Names.printable(v.text())
                            + "' is not a port", Note.help("write a port or range with its protocol: 5432/tcp, 8000-8100/udp"));
                    ok = false;
                    continue;
                }
                int low = Integer.parseInt(m[0]);
                int high = m[1] == null ? low : Integer.parseInt(m[1]);
                if (low < 1 || high > 65535 || low > 65535) {
                    diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "port " + (low < 1 ? low : Math.max(low, high))
                            + " is out of range", Note.help("ports are 1 to 65535"));
                    ok = false;
                    continue;
                }
                if (low > high) {
                    diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "the range " + low + "-" + high + " runs backwards",
                            Note.help("write " + high + "-" + low));
                    ok = false;
                    continue;
                }
                List<String> ps;
                if (m[2] != null) {
                    String p = m[2];
                    if (!PROTOCOLS.contains(p) || p.equals("icmp")) {
                        diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "'" + p + "' is not a protocol with ports",
                                Note.help("write tcp, udp or sctp after the port: " + m[0] + "/tcp"));
                        ok = false;
                        continue;
                    }
                    ps = List.of(p);
                } else if (!protoOrder.isEmpty()) {
                    ps = protoOrder;
                } else {
                    diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "port " + v.text() + " has no protocol",
                            Note.help("write " + v.text() + "/tcp or " + v.text() + "/udp, or add 'proto tcp' to the rule"));
                    ok = false;
                    continue;
                }
                for (String p : ps) {
                    RuleService overlapped = null;
                    for (RuleService o : out) {
                        if (o.protocol().equals(p) && o.low() <= high && low <= o.high()) {
                            overlapped = o;
                        }
                    }
                    if (overlapped != null) {
                        // an nftables port set refuses overlapping intervals; a repeat is a mistake anyway
                        diags.report(DiagnosticCode.INVALID_RULE_OPTION, v.textSpan(), "port " + v.text() + " overlaps "
                                + overlapped + " earlier in the list", Note.help("list each port once; join ranges that touch"));
                        ok = false;
                    } else {
                        out.add(new RuleService(p, low, high, null));
                    }
                }
            }
        }
        if (icmpType != null) {
            if (!protos.isEmpty() && !protos.equals(Set.of("icmp"))) {
                diags.report(DiagnosticCode.INVALID_RULE_OPTION, icmpType.keySpan(), "'icmp-type' needs 'proto icmp' alone",
                        Note.help("write the ICMP part as a rule of its own"));
                return null;
            }
            for (Value v : icmpType.values()) {
                RuleService.IcmpType t = RuleService.IcmpType.of(v.text());
                if (t == null) {
                    List<String> names = new ArrayList<>();
                    for (RuleService.IcmpType x : RuleService.IcmpType.values()) {
                        names.add(x.keyword());
                    }
                    List<Note> notes = new ArrayList<>();
                    Suggest.didYouMean(v.text(), names).ifPresent(notes::add);
                    notes.add(Note.help("ICMP types are: " + String.join(", ", names)));
                    diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.INVALID_RULE_OPTION,
                            DiagnosticCode.INVALID_RULE_OPTION.defaultSeverity(), v.textSpan(),
                            "unknown ICMP type '" + Names.printable(v.text()) + "'", notes));
                    ok = false;
                } else {
                    out.add(new RuleService("icmp", 0, 0, t));
                }
            }
        } else if (port == null) {
            for (String p : protoOrder) {
                out.add(new RuleService(p, 0, 0, null));
            }
        }
        return ok ? out : null;
    }
}
