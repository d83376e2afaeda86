package dev.netpolc.cli.explain;

import dev.netpolc.backend.RenderOptions;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.cli.explain.Endpoint.Kind;
import dev.netpolc.cli.explain.Trace.Verdict;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;

/**
 * {@code netpolc explain}: follows one packet through the rules a backend compiled for a policy
 * and says what happens to it and which rule (and policy line) decided. It walks the compiled
 * rules, never the policy, so it explains whatever the backend emits.
 */
public final class Explainer {

    /** The source port the packet model uses (the first of the ephemeral range). */
    public static final int SOURCE_PORT = 49152;

    /**
     * The question. {@code target}: iptables, ip6tables, or null to follow the addresses' family;
     * {@code protocol}: tcp, udp, sctp or icmp (an echo request; {@code port} is then ignored);
     * {@code hostAddress}: the host's own (uplink) address, or null.
     */
    public record Query(String target, String from, String to, String protocol, int port, String hostAddress) {}

    private final Policy policy;
    /** The parsed rules of each target, kept across questions. */
    private final java.util.Map<String, RuleWalk> walks = new java.util.HashMap<>();

    /** An explainer for one policy: the rules of each target are compiled and parsed once, for many questions. */
    public Explainer(Policy policy) {
        this.policy = policy;
    }

    /** Answers one question about a policy. */
    public static Trace explain(Policy policy, Query q) {
        return new Explainer(policy).explain(q);
    }

    /** Answers one question. */
    public Trace explain(Query q) {
        if (!Set.of("tcp", "udp", "sctp", "icmp").contains(q.protocol())) {
            throw new ExplainException("unknown protocol '" + q.protocol() + "'; protocols are tcp, udp, sctp (with a port) and icmp");
        }
        if (!q.protocol().equals("icmp") && (q.port() < 1 || q.port() > 65535)) {
            throw new ExplainException("port " + q.port() + " is out of range 1-65535");
        }
        if (q.target() != null && !Set.of("iptables", "ip6tables", "nftables").contains(q.target())) {
            throw new ExplainException("explain has no target '" + q.target() + "'; targets are iptables, ip6tables, nftables");
        }
        Endpoint from = Endpoint.parse(q.from(), "--from", policy);
        Endpoint to = Endpoint.parse(q.to(), "--to", policy);
        IpAddr hostAddress = null;
        if (q.hostAddress() != null) {
            hostAddress = Addresses.parse(q.hostAddress());
            if (hostAddress == null) {
                throw new ExplainException("--host-address: '" + q.hostAddress() + "' is not an IPv4 or IPv6 address");
            }
        }
        boolean nft = "nftables".equals(q.target());
        Family family = family(nft ? null : q.target(), from, to, hostAddress);
        String target = nft ? "nftables" : family == Family.IPV4 ? "iptables" : "ip6tables";
        Topology topo = new Topology(policy, family, hostAddress);
        Trace trace = new Trace(target, from.label(), to.label());

        // the destination first: a container's address may depend on the network it shares with the sender
        IpAddr dst = destination(policy, topo, from, to, trace);
        Sender s = sender(policy, topo, from, dst, trace);
        if (s.noRoute != null) {
            trace.verdict = Verdict.NO_ROUTE;
            trace.note(s.noRoute);
            return trace;
        }
        boolean icmp = q.protocol().equals("icmp");
        String proto = icmp ? (family == Family.IPV4 ? "icmp" : "ipv6-icmp") : q.protocol();
        int icmpType = icmp ? (family == Family.IPV4 ? IcmpTypes.ECHO_REQUEST : IcmpTypes.ECHO_REQUEST6) : -1;
        Packet p = new Packet(family, s.address, dst, proto, icmp ? 0 : SOURCE_PORT, icmp ? 0 : q.port(), icmpType, true);
        p.in = s.in;
        trace.sent = new Packet(family, p.source, p.destination, p.protocol, p.sourcePort, p.destinationPort, p.icmpType, true);
        trace.sent.in = p.in;
        trace.packet = family.name().replace("IPV", "IPv") + " " + p.describe() + (p.in == null ? ", sent by the host" : ", in " + p.in)
                + ", conntrack NEW" + (icmp ? " (echo request)" : "");

        String layout = (policy.files().isEmpty() ? "" : policy.files().get(0) + " ") + "built-in (Docker layout)";
        RuleWalk rules = walks.computeIfAbsent(target, t -> nft
                ? new NftWalk(new NftablesBackend().table(policy, new RenderOptions(true)), topo, trace, layout)
                : new IptablesWalk(new IptablesBackend(family).ruleset(policy, RenderOptions.DEFAULT),
                        new IptablesBackend(family).ruleset(policy, new RenderOptions(true)), topo, trace, layout));
        rules.bind(topo, trace);
        Walker w = new Walker(rules, topo, trace);
        if (p.in != null && family == Family.IPV6 && !topo.isLocal(dst) && topo.bridgeOf(dst) != null
                && p.in.equals(topo.bridgeOf(dst).bridgeName())) {
            if (!w.neighbourDiscovery(p)) {
                return trace;
            }
        }
        w.follow(p);
        return trace;
    }

    /** The family the question is about, from the target and any address written. */
    private static Family family(String target, Endpoint from, Endpoint to, IpAddr hostAddress) {
        Family wanted = target == null ? null : target.equals("iptables") ? Family.IPV4 : Family.IPV6;
        String decidedBy = target == null ? null : "--target " + target;
        for (var e : List.of(new Object[] {"--from", from.literal}, new Object[] {"--to", to.literal},
                new Object[] {"--host-address", hostAddress})) {
            IpAddr a = (IpAddr) e[1];
            if (a == null) {
                continue;
            }
            if (wanted != null && a.family() != wanted) {
                throw new ExplainException(e[0] + " " + a + " is " + name(a.family()) + " but " + decidedBy + " is "
                        + name(wanted) + "; give addresses of one family"
                        + (decidedBy.startsWith("--target") ? " or the other target (iptables for IPv4, ip6tables for IPv6)" : ""));
            }
            wanted = a.family();
            decidedBy = e[0] + " " + a;
        }
        return wanted == null ? Family.IPV4 : wanted;
    }

    private static String name(Family f) {
        return f == Family.IPV4 ? "IPv4" : "IPv6";
    }

    private static IpAddr destination(Policy policy, Topology topo, Endpoint from, Endpoint to, Trace trace) {
        Family f = topo.family;
        switch (to.kind) {
            case CONTAINER -> {
                Container d = to.container(policy);
                if (Endpoint.onHostNetwork(d, policy)) {
                    trace.endpointNotes.add("to: container " + d.name() + " is on the host network: it is the host");
                    return hostDestination(topo, trace);
                }
                List<Attachment> ats = Endpoint.bridgeAttachments(d, policy, f);
                if (ats.isEmpty()) {
                    throw new ExplainException("--to: container " + d.name() + " has no " + name(f)
                            + " address on a bridge network; explain follows traffic through this host's bridges");
                }
                Attachment pick = null;
                String why = null;
                if (from.kind == Kind.CONTAINER || from.kind == Kind.NETWORK) {
                    for (Attachment at : ats) {
                        boolean shared = from.kind == Kind.NETWORK ? at.network().equals(from.name)
                                : from.container(policy).attachments().stream().anyMatch(x -> x.network().equals(at.network()));
                        if (shared) {
                            pick = at;
                            why = "the network it shares with the sender";
                            break;
                        }
                    }
                }
                if (pick == null) {
                    pick = ats.stream().filter(at -> at.network().equals(d.gatewayNetwork())).findFirst().orElse(ats.get(0));
                    why = pick.network().equals(d.gatewayNetwork()) ? "its gateway network" : "its first bridge network";
                }
                IpAddr a = Endpoint.address(pick, f);
                trace.endpointNotes.add("to: container " + d.name() + " is " + a + " on network " + pick.network() + " (" + why + ")");
                return a;
            }
            case NETWORK -> {
                IpAddr a = networkAddress(policy, topo, to.name, "--to");
                trace.endpointNotes.add("to: network " + to.name + " stands for " + a
                        + ", its first usable address that is not the gateway");
                return a;
            }
            case ADDRESS -> {
                return to.literal;
            }
            case HOST -> {
                return hostDestination(topo, trace);
            }
            default -> {
                IpAddr a = external(topo);
                trace.endpointNotes.add("to: external stands for " + a + ", a documentation address the policy does not use");
                return a;
            }
        }
    }

    private static IpAddr hostDestination(Topology topo, Trace trace) {
        if (topo.uplinkAddressGiven) {
            trace.endpointNotes.add("to: host is " + topo.uplinkAddress + " (--host-address)");
            return topo.uplinkAddress;
        }
        if (topo.bridges.isEmpty()) {
            throw new ExplainException("--to host: the policy has no bridge with an " + name(topo.family)
                    + " gateway to stand for the host; give --host-address ADDRESS");
        }
        Network n = topo.bridges.get(0);
        IpAddr a = n.subnet(topo.family).get().gateway();
        trace.endpointNotes.add("to: host is " + a + ", the gateway of network " + n.name()
                + " (give --host-address for another of the host's addresses)");
        return a;
    }

    private static IpAddr networkAddress(Policy policy, Topology topo, String name, String option) {
        Network n = policy.network(name).orElseThrow();
        if (!n.isBridge() || n.subnet(topo.family).isEmpty()) {
            throw new ExplainException(option + ": network " + name + " is not a bridge network with an " + name(topo.family)
                    + " subnet; explain follows traffic through this host's bridges");
        }
        return Topology.firstUsable(n, topo.family);
    }

    private static IpAddr external(Topology topo) {
        Family f = topo.family;
        IpAddr base = Addresses.parse(f == Family.IPV4 ? Endpoint.EXTERNAL4 : Endpoint.EXTERNAL6);
        for (int i = 0; i < 200; i++) {
            IpAddr a = Addresses.of(f, Addresses.value(base).add(BigInteger.valueOf(i)));
            if (!topo.inAnySubnet(a) && !topo.isLocal(a) && !topo.named(a)) {
                return a;
            }
        }
        throw new ExplainException("every documentation address near " + base + " is inside the policy's subnets;"
                + " give an address instead of 'external'");
    }

    /** The sender: its address and the interface the packet enters the host on (null: the host sends it). */
    private record Sender(IpAddr address, String in, String noRoute) {}

    private static Sender sender(Policy policy, Topology topo, Endpoint from, IpAddr dst, Trace trace) {
        Family f = topo.family;
        switch (from.kind) {
            case CONTAINER -> {
                Container s = from.container(policy);
                if (Endpoint.onHostNetwork(s, policy)) {
                    trace.endpointNotes.add("from: container " + s.name() + " is on the host network: it is the host");
                    return hostSender(topo, dst, trace);
                }
                List<Attachment> ats = Endpoint.bridgeAttachments(s, policy, f);
                for (Attachment at : ats) {
                    Network n = policy.network(at.network()).orElseThrow();
                    if (Addresses.in(dst, n.subnet(f).get().cidr().toString())) {
                        IpAddr a = Endpoint.address(at, f);
                        trace.endpointNotes.add("from: container " + s.name() + " sends as " + a + " on network " + n.name()
                                + " (the destination is on that network)");
                        return new Sender(a, n.bridgeName(), null);
                    }
                }
                Network g = s.gatewayNetwork() == null ? null : policy.network(s.gatewayNetwork()).orElseThrow();
                if (g == null || g.driver() != Driver.BRIDGE) {
                    if (g != null) {
                        throw new ExplainException("--from: container " + s.name() + "'s default route is network " + g.name()
                                + " (" + g.driver().keyword() + "): its traffic leaves without this host's bridges");
                    }
                    return new Sender(null, null, "no route: container " + s.name() + " has no default route (its networks"
                            + " are internal or have no gateway) and " + dst + " is on none of its networks");
                }
                Attachment at = ats.stream().filter(x -> x.network().equals(g.name())).findFirst().orElse(null);
                if (at == null) {
                    return new Sender(null, null, "no route: container " + s.name() + " has no " + name(f)
                            + " address on its gateway network " + g.name());
                }
                IpAddr a = Endpoint.address(at, f);
                trace.endpointNotes.add("from: container " + s.name() + " sends as " + a + " through its gateway network "
                        + g.name());
                return new Sender(a, g.bridgeName(), null);
            }
            case NETWORK -> {
                IpAddr a = networkAddress(policy, topo, from.name, "--from");
                Network n = policy.network(from.name).orElseThrow();
                trace.endpointNotes.add("from: network " + n.name() + " stands for " + a
                        + ", its first usable address that is not the gateway");
                return new Sender(a, n.bridgeName(), null);
            }
            case ADDRESS -> {
                IpAddr a = from.literal;
                if (topo.isLocal(a)) {
                    trace.endpointNotes.add("from: " + a + " is an address of the host: the host sends");
                    return new Sender(a, null, null);
                }
                Network n = topo.bridgeOf(a);
                if (n != null) {
                    trace.endpointNotes.add("from: " + a + " is in network " + n.name() + "'s subnet: it arrives on "
                            + n.bridgeName());
                    return new Sender(a, n.bridgeName(), null);
                }
                trace.endpointNotes.add("from: " + a + " is behind no bridge: it arrives on the uplink " + topo.uplink);
                return new Sender(a, topo.uplink, null);
            }
            case HOST -> {
                return hostSender(topo, dst, trace);
            }
            default -> {
                IpAddr a = external(topo);
                trace.endpointNotes.add("from: external stands for " + a + ", a documentation address the policy does not use,"
                        + " arriving on the uplink " + topo.uplink);
                return new Sender(a, topo.uplink, null);
            }
        }
    }

    private static Sender hostSender(Topology topo, IpAddr dst, Trace trace) {
        Topology.Route r = topo.route(dst);
        IpAddr a;
        String why;
        if (r.kind().equals(Topology.Route.LOCAL)) {
            a = dst;
            why = "the destination itself, an address of the host";
        } else if (r.kind().equals(Topology.Route.BRIDGE)) {
            a = r.network().subnet(topo.family).get().gateway();
            why = "its address on " + r.device() + ", the gateway of network " + r.network().name();
        } else {
            a = topo.uplinkAddress;
            why = topo.uplinkAddressGiven ? "its uplink address (--host-address)"
                    : "a placeholder for its uplink address (give --host-address to name it)";
        }
        trace.endpointNotes.add("from: the host sends as " + a + ", " + why);
        return new Sender(a, null, null);
    }

    /** Follows the packet through the hooks of its path. */
    private static final class Walker {
        private final RuleWalk walk;
        private final Topology topo;
        private final Trace trace;
        private RuleWalk.Outcome filterDecision;

        Walker(RuleWalk walk, Topology topo, Trace trace) {
            this.walk = walk;
            this.topo = topo;
            this.trace = trace;
        }

        /**
         * IPv6 between two hosts of one bridge starts with a neighbour solicitation to the target's
         * solicited-node multicast address; with br_netfilter it passes the forward hook. When it is
         * dropped, the packet itself is never sent. Returns whether the solicitation passes.
         */
        boolean neighbourDiscovery(Packet p) {
            BigInteger low = Addresses.value(p.destination).and(BigInteger.ONE.shiftLeft(24).subtract(BigInteger.ONE));
            IpAddr solicited = Addresses.of(Family.IPV6, Addresses.value(Addresses.parse("ff02::1:ff00:0")).or(low));
            Packet ns = new Packet(Family.IPV6, p.source, solicited, "ipv6-icmp", 0, 0, IcmpTypes.NEIGHBOUR_SOLICITATION, false);
            ns.in = p.in;
            ns.out = p.in;
            trace.note("first, neighbour discovery: " + p.source + " asks for " + p.destination
                    + "'s link-layer address with a neighbour solicitation to " + solicited + "; bridged between the ports of "
                    + p.in + ", it passes the forward hook (br_netfilter); conntrack does not track it");
            for (String[] h : new String[][] {{"mangle", "PREROUTING"}, {"mangle", "FORWARD"}, {"filter", "FORWARD"},
                {"mangle", "POSTROUTING"}}) {
                RuleWalk.Outcome o = walk.hook(h[0], h[1], ns);
                if (!o.verdict().equals("ACCEPT")) {
                    decide(o);
                    trace.note("the solicitation is " + o.verdict().toLowerCase(java.util.Locale.ROOT)
                            + "ped: no answer, so the packet itself is never sent");
                    return false;
                }
            }
            trace.note("the solicitation passes; now the packet itself");
            return true;
        }

        void follow(Packet p) {
            if (p.in == null) {
                Topology.Route r = route(p);
                if (!hooks(p, new String[][] {{"mangle", "OUTPUT"}, {"nat", "OUTPUT"}})) {
                    return;
                }
                if (p.ctstates.contains("DNAT")) {
                    r = route(p);
                }
                if (!hooks(p, new String[][] {{"filter", "OUTPUT"}, {"mangle", "POSTROUTING"}, {"nat", "POSTROUTING"}})) {
                    return;
                }
                if (r.kind().equals(Topology.Route.LOCAL)) {
                    p.in = "lo";
                    trace.step("route", 0, null, null, null, null, "looped back to the host through lo");
                    if (!hooks(p, new String[][] {{"mangle", "PREROUTING"}, {"mangle", "INPUT"}, {"filter", "INPUT"}})) {
                        return;
                    }
                }
                accept(p, r);
                return;
            }
            if (!hooks(p, new String[][] {{"mangle", "PREROUTING"}, {"nat", "PREROUTING"}})) {
                return;
            }
            Topology.Route r = route(p);
            String[][] rest = r.kind().equals(Topology.Route.LOCAL)
                    ? new String[][] {{"mangle", "INPUT"}, {"filter", "INPUT"}, {"nat", "INPUT"}}
                    : new String[][] {{"mangle", "FORWARD"}, {"filter", "FORWARD"}, {"mangle", "POSTROUTING"}, {"nat", "POSTROUTING"}};
            if (hooks(p, rest)) {
                accept(p, r);
            }
        }

        private Topology.Route route(Packet p) {
            Topology.Route r = topo.route(p.destination);
            p.out = r.kind().equals(Topology.Route.LOCAL) ? (p.in == null ? "lo" : null) : r.device();
            String bridged = p.in != null && p.in.equals(p.out)
                    ? " (in and out the same bridge: bridged, and br_netfilter passes it to the forward hook)" : "";
            trace.step("route", 0, null, null, null, null, r.why() + bridged);
            return r;
        }

        private boolean hooks(Packet p, String[][] hooks) {
            for (String[] h : hooks) {
                RuleWalk.Outcome o = walk.hook(h[0], h[1], p);
                if (h[0].equals("filter") && o.rule() != null) {
                    filterDecision = o;
                }
                if (!o.verdict().equals("ACCEPT")) {
                    decide(o);
                    return false;
                }
            }
            return true;
        }

        private void decide(RuleWalk.Outcome o) {
            trace.verdict = Verdict.valueOf(o.verdict());
            trace.decidingRule = o.rule();
            trace.decidingOrigin = o.origin();
        }

        private void accept(Packet p, Topology.Route r) {
            trace.verdict = Verdict.ACCEPT;
            if (filterDecision != null) {
                trace.decidingRule = filterDecision.rule();
                trace.decidingOrigin = filterDecision.origin();
            }
            trace.finalSource = p.source.text();
            trace.finalDestination = p.hasPorts() ? p.destination.withPort(p.destinationPort) : p.destination.text();
            trace.deliveredTo = r.kind().equals(Topology.Route.LOCAL) ? "host" : r.device();
        }
    }
}
