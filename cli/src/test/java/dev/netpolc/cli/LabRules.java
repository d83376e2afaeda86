package dev.netpolc.cli;

import dev.netpolc.cli.LabModel.Cell;
import dev.netpolc.cli.LabModel.From;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Cidrs;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.Protocol;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.RuleService;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a policy's allow/deny/reject/log rules mean for the lab's cells, written from the
 * language's definition (docs/language.md) and never from the generated rules: rules of the
 * packet's path (forwarded, to the host, from the host) are tried in order; the first allow, deny
 * or reject that matches decides; with none, Docker's behaviour (the cell's expectation from
 * {@link LabModel}) stands. Packets are matched as the kernel sees them after DNAT: a published
 * port as the container's address and port.
 *
 * <p>It also adds cells for each rule: every container a forwarding rule names as source, to every
 * container it names as destination (or to the outside), on the rule's first port of each TCP or
 * UDP service and on the probe port, so both "this opens" and "nothing else crosses" are checked;
 * and for rules to the host, every container of the source to the host's address on its network.
 * Connections a rule allows across networks are masqueraded by Docker's rule for traffic leaving a
 * network, so those cells check reachability, not the source address.
 */
final class LabRules {

    private LabRules() {}

    /** The cells with the rules' effect applied, and the rules' own cells appended. */
    static List<Cell> apply(Policy p, List<Cell> cells) {
        if (p.rules().isEmpty()) {
            return cells;
        }
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            out.add(decide(p, c));
        }
        Set<String> names = new LinkedHashSet<>();
        cells.forEach(c -> names.add(c.name()));
        for (Cell c : extra(p)) {
            if (names.add(c.name())) {
                out.add(decide(p, c));
            }
        }
        return out;
    }

    /** Listeners the added cells need, as "WHERE|proto|FAMILY|port"; WHERE is a container's netns, {@code @host} or {@code @outside}. */
    static Set<String> listeners(Policy p, List<Cell> cells) {
        Set<String> out = new LinkedHashSet<>();
        for (Cell c : cells) {
            if (c.icmp()) {
                continue;
            }
            String proto = c.protocol().keyword();
            if (c.address().equals(LabModel.OUTSIDE4) || c.address().equals(LabModel.OUTSIDE6)) {
                out.add("@outside|" + proto + "|" + c.family() + "|" + c.port());
                continue;
            }
            if (hostAddress(p, c.address())) {
                if (c.from() == From.CONTAINER) {
                    out.add("@host|" + proto + "|" + c.family() + "|" + c.port());
                }
                continue;
            }
            for (Container d : p.containers()) {
                for (Attachment a : d.attachments()) {
                    IpAddr ip = c.family() == Family.IPV4 ? a.ipv4() : a.ipv6();
                    if (ip != null && ip.text().equals(c.address())) {
                        out.add(d.netns() + "|" + proto + "|" + c.family() + "|" + c.port());
                    }
                }
            }
        }
        return out;
    }

    /** Whether the address is one of the host's: a bridge gateway (the uplink's is handled as a published port). */
    private static boolean hostAddress(Policy p, String address) {
        for (Network n : p.networks()) {
            for (Family f : Family.values()) {
                if (n.isBridge() && n.subnet(f).isPresent() && n.subnet(f).get().gateway().text().equals(address)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A packet as the rules see it. */
    private record Packet(RuleHook hook, Family family, String source, boolean sourceExternal, String destination,
            boolean destinationExternal, String protocol, int port, boolean published) {}

    private static Cell decide(Policy p, Cell c) {
        Packet k = packet(p, c);
        if (k == null) {
            return c;
        }
        for (PolicyRule r : p.rules()) {
            if (r.hook() != k.hook() || !r.applies(k.family()) || !r.action().terminal()) {
                continue;
            }
            if (matches(r.from(), k.source(), k.sourceExternal(), k.family()) && matches(r.to(), k.destination(),
                    k.destinationExternal(), k.family()) && matches(r.services(), k)) {
                boolean allow = r.action() == dev.netpolc.ir.RuleAction.ALLOW;
                // an allow opens a path Docker closes; it cannot make a published port work where the
                // kernel has no DNAT for it (hairpin with the userland proxy on)
                if (k.hook() == RuleHook.FORWARD && allow && !c.expected() && !k.published()) {
                    return with(c, true, null);
                }
                if (!allow) {
                    return with(c, false, null);
                }
                return c;
            }
        }
        return c;
    }

    private static Cell with(Cell c, boolean expected, String peer) {
        return new Cell(c.name(), c.from(), c.source(), c.family(), c.protocol(), c.address(), c.port(), c.icmp(), expected,
                peer);
    }

    /** The packet a cell sends, after DNAT; null for cells no rule can see. */
    private static Packet packet(Policy p, Cell c) {
        Family f = c.family();
        String proto = c.icmp() ? "icmp" : c.protocol().keyword();
        String dst = c.address();
        int port = c.port();
        boolean published = false;
        if (dst.equals(LabModel.UPLINK4) || dst.equals(LabModel.UPLINK6) || dst.equals("127.0.0.1")) {
            PublishedPort pp = published(p, c);
            if (pp == null) {
                return null;
            }
            dst = pp.containerAddress().text();
            port = pp.containerPort();
            published = true;
        }
        boolean dstOutside = dst.equals(LabModel.OUTSIDE4) || dst.equals(LabModel.OUTSIDE6);
        switch (c.from()) {
            case OUTSIDE:
                return new Packet(RuleHook.FORWARD, f, c.family() == Family.IPV4 ? LabModel.OUTSIDE4 : LabModel.OUTSIDE6, true, dst,
                        false, proto, port, published);
            case HOST:
                return new Packet(RuleHook.OUTPUT, f, null, false, dst, dstOutside, proto, port, published);
            default:
                Container s = p.containers().stream().filter(x -> x.netns().equals(c.source())).findFirst().orElse(null);
                if (s == null) {
                    return null;
                }
                String src = sourceAddress(p, s, published ? c.address() : dst, f);
                if (src == null) {
                    return null;
                }
                if (!published && hostAddress(p, dst)) {
                    return new Packet(RuleHook.INPUT, f, src, false, null, false, proto, port, false);
                }
                return new Packet(RuleHook.FORWARD, f, src, false, dst, dstOutside, proto, port, published);
        }
    }

    private static PublishedPort published(Policy p, Cell c) {
        for (Container x : p.containers()) {
            for (PublishedPort pp : x.published()) {
                boolean address = pp.hostAddress() == null || pp.hostAddress().text().equals(c.address());
                if (pp.family() == c.family() && pp.hostPort() == c.port() && pp.protocol() == c.protocol() && address) {
                    return pp;
                }
            }
        }
        return null;
    }

    /** The address a container sends from: its own on the destination's network, else on its gateway network. */
    private static String sourceAddress(Policy p, Container s, String destination, Family f) {
        Map<String, Network> nets = p.networksByName();
        for (Attachment a : s.attachments()) {
            Network n = nets.get(a.network());
            IpAddr own = f == Family.IPV4 ? a.ipv4() : a.ipv6();
            if (own != null && n.subnet(f).isPresent() && Cidrs.contains(n.subnet(f).get().cidr(), ip(f, destination))) {
                return own.text();
            }
        }
        for (Attachment a : s.attachments()) {
            if (a.network().equals(s.gatewayNetwork())) {
                IpAddr own = f == Family.IPV4 ? a.ipv4() : a.ipv6();
                return own == null ? null : own.text();
            }
        }
        return null;
    }

    private static IpAddr ip(Family f, String text) {
        return new IpAddr(f, text);
    }

    private static boolean matches(RuleEndpoint e, String address, boolean external, Family f) {
        if (e.any() || e.host()) {
            return true;
        }
        if (e.external() && (external || (address != null && !onBridge(address)))) {
            return true;
        }
        if (address == null) {
            return false;
        }
        for (Cidr c : e.cidrs(f)) {
            if (Cidrs.contains(c, ip(f, address))) {
                return true;
            }
        }
        return false;
    }

    /** Lab addresses behind a bridge are 10.x, 172.x, 192.168.x or fd.. container addresses; the outside's are not. */
    private static boolean onBridge(String address) {
        return !address.equals(LabModel.OUTSIDE4) && !address.equals(LabModel.OUTSIDE6);
    }

    private static boolean matches(List<RuleService> services, Packet k) {
        if (services.isEmpty()) {
            return true;
        }
        for (RuleService s : services) {
            if (!s.protocol().equals(k.protocol())) {
                continue;
            }
            if (s.icmp()) {
                // the lab pings: an echo request
                if (s.icmpType() == null || s.icmpType() == RuleService.IcmpType.ECHO_REQUEST) {
                    return true;
                }
            } else if (s.allPorts() || (s.low() <= k.port() && k.port() <= s.high())) {
                return true;
            }
        }
        return false;
    }

    /** Cells for every rule: its sources to its destinations on its ports and on the probe port. */
    private static List<Cell> extra(Policy p) {
        Map<String, Network> nets = p.networksByName();
        List<Cell> out = new ArrayList<>();
        List<Container> runnable = p.containers().stream().filter(c -> c.attachments().stream()
                .allMatch(a -> nets.get(a.network()).driver() == Driver.BRIDGE)).toList();
        for (PolicyRule r : p.rules()) {
            for (Family f : Family.values()) {
                if (!r.applies(f) || r.hook() == RuleHook.OUTPUT) {
                    continue;
                }
                List<int[]> ports = new ArrayList<>();
                for (RuleService s : r.services()) {
                    if (s.protocol().equals("tcp") || s.protocol().equals("udp")) {
                        ports.add(new int[] {s.protocol().equals("tcp") ? 0 : 1, s.allPorts() ? LabModel.PROBE_PORT + 1 : s.low()});
                    }
                }
                ports.add(new int[] {0, LabModel.PROBE_PORT});
                for (Container s : runnable) {
                    String src = null;
                    for (Attachment a : s.attachments()) {
                        IpAddr own = f == Family.IPV4 ? a.ipv4() : a.ipv6();
                        if (own != null && matches(r.from(), own.text(), false, f)) {
                            src = own.text();
                        }
                    }
                    if (src == null) {
                        continue;
                    }
                    List<String[]> targets = new ArrayList<>();
                    if (r.hook() == RuleHook.INPUT) {
                        Network g = nets.get(s.gatewayNetwork());
                        if (g != null && g.subnet(f).isPresent()) {
                            targets.add(new String[] {"host@" + g.name(), g.subnet(f).get().gateway().text()});
                        }
                    } else {
                        for (Container d : runnable) {
                            if (d == s) {
                                continue;
                            }
                            for (Attachment a : d.attachments()) {
                                IpAddr ip = f == Family.IPV4 ? a.ipv4() : a.ipv6();
                                if (ip != null && matches(r.to(), ip.text(), false, f)) {
                                    targets.add(new String[] {d.name() + "@" + a.network(), ip.text()});
                                }
                            }
                        }
                        if (r.to().any() || r.to().external() || !r.to().cidrs(f).isEmpty() && outsideIn(r.to(), f)) {
                            targets.add(new String[] {"outside", f == Family.IPV4 ? LabModel.OUTSIDE4 : LabModel.OUTSIDE6});
                        }
                    }
                    for (String[] t : targets) {
                        for (int[] port : ports) {
                            Protocol proto = port[0] == 0 ? Protocol.TCP : Protocol.UDP;
                            boolean base = baseline(p, s, t[1], f);
                            out.add(new Cell("rule " + r.span().line() + ": " + s.name() + " -> " + t[0] + " " + port[1] + "/"
                                    + proto.keyword() + (f == Family.IPV4 ? "" : "6"), From.CONTAINER, s.netns(), f, proto, t[1],
                                    port[1], false, base, null));
                        }
                    }
                }
            }
        }
        return out;
    }

    private static boolean outsideIn(RuleEndpoint e, Family f) {
        IpAddr outside = ip(f, f == Family.IPV4 ? LabModel.OUTSIDE4 : LabModel.OUTSIDE6);
        return e.cidrs(f).stream().anyMatch(c -> Cidrs.contains(c, outside));
    }

    /** Docker's behaviour for a container's connection, without rules. */
    private static boolean baseline(Policy p, Container s, String destination, Family f) {
        Map<String, Network> nets = p.networksByName();
        if (hostAddress(p, destination)) {
            return true;
        }
        if (destination.equals(LabModel.OUTSIDE4) || destination.equals(LabModel.OUTSIDE6)) {
            Network g = nets.get(s.gatewayNetwork());
            return g != null && !g.internal();
        }
        for (Attachment a : s.attachments()) {
            Network n = nets.get(a.network());
            if (n.subnet(f).isPresent() && Cidrs.contains(n.subnet(f).get().cidr(), ip(f, destination))) {
                return n.icc();
            }
        }
        return false;
    }
}
