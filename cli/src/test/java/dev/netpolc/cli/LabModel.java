package dev.netpolc.cli;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.Protocol;
import dev.netpolc.ir.PublishedPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a policy means for real traffic, written from Docker's documented behaviour and never
 * from the generated rules: containers of one network talk when icc is on; nothing crosses from
 * one network to another; an internal network has no way in or out; a container with a
 * non-internal network reaches outside, seen with the host's address (masquerade), the SNAT
 * address, or its own address; outside reaches ports published on all addresses or on the
 * uplink's; hairpin and the host's 127.0.0.1 only work in the kernel when the userland proxy is off
 * (the lab runs no proxy). Each expectation is a {@link Cell}.
 *
 * <p>A policy with nodes is several hosts, each with its own uplink to the same outside. Every
 * node has every bridge network, but a bridge is one host's: containers of one bridge network on
 * two nodes do not meet. An overlay network is one segment across all nodes: its containers reach
 * each other wherever they run (an overlay has no icc switch, and Docker's rules never filter it;
 * internal or not, its own containers meet). A container reaches outside through its own node's
 * uplink, seen with that node's address, and its published ports are open on its own node only.
 * A container whose gateway is an overlay has no way out (Docker would give it docker_gwbridge,
 * which a policy cannot declare).
 *
 * <p>One consequence of Docker's rules is stated here because the kernel shows it: once bridged
 * IPv6 traffic passes ip6tables (bridge-nf-call-ip6tables, which the ip link script turns on as
 * soon as one network has icc off), the internal-network rule "! -d SUBNET -i BRIDGE -j DROP" also
 * drops IPv6 neighbour discovery, which goes to a multicast address; containers of an internal
 * network then cannot reach each other over IPv6, only over IPv4 (ARP is not IP).
 */
final class LabModel {

    /** The port every container and the outside listen on for the cells that are not published ports. */
    static final int PROBE_PORT = 39999;
    static final String UPLINK4 = "198.18.0.1";
    static final String OUTSIDE4 = "198.18.0.2";
    static final String UPLINK6 = "fd99:1ab::1";
    static final String OUTSIDE6 = "fd99:1ab::2";

    /** The uplink address of a node's host (the only host's for null): the first node has UPLINK4, the others .11, .12, ... */
    static String uplink(Policy policy, String node, Family f) {
        int i = hostIndex(policy, node);
        if (i == 0) {
            return f == Family.IPV4 ? UPLINK4 : UPLINK6;
        }
        return f == Family.IPV4 ? "198.18.0." + (10 + i) : "fd99:1ab::" + (10 + i);
    }

    /** Where a node is in the policy's node order (0 for null: a policy without nodes). */
    static int hostIndex(Policy policy, String node) {
        for (int i = 0; node != null && i < policy.nodes().size(); i++) {
            if (policy.nodes().get(i).name().equals(node)) {
                return i;
            }
        }
        return 0;
    }

    /** Where a probe starts. */
    enum From { CONTAINER, OUTSIDE, HOST }

    /**
     * One cell of the matrix: a probe from somewhere to an address and port, what is expected
     * (reachable or not) and, when reachable, the source address the listener must see. The
     * source is the container's namespace for a probe from a container, the node (null for a
     * policy without nodes) for a probe from a host.
     */
    record Cell(String name, From from, String source, Family family, Protocol protocol, String address, int port,
            boolean icmp, boolean expected, String expectedPeer) {}

    private LabModel() {}

    static List<Cell> cells(Policy policy, int crossNetworkPairsPerContainer) {
        Map<String, Network> nets = policy.networksByName();
        boolean proxy = policy.settings().userlandProxy();
        boolean bridgedFiltered = policy.networks().stream().anyMatch(n -> n.isBridge() && !n.icc());
        List<Cell> cells = new ArrayList<>();
        List<Container> runnable = policy.containers().stream().filter(c -> probed(c, nets)).toList();
        for (Container s : runnable) {
            // container to container, on every network both are on, and across networks
            int cross = 0;
            for (Container d : runnable) {
                if (d == s) {
                    continue;
                }
                for (Attachment a : d.attachments()) {
                    Network n = nets.get(a.network());
                    if (n.driver() != Driver.BRIDGE && n.driver() != Driver.OVERLAY) {
                        continue;
                    }
                    boolean overlay = n.driver() == Driver.OVERLAY;
                    boolean shared = onNetwork(s, n.name());
                    // one bridge network on two nodes is two bridges; an overlay is one segment
                    boolean apart = shared && !overlay && !Objects.equals(s.node(), d.node());
                    if (!shared && cross >= crossNetworkPairsPerContainer) {
                        continue;
                    }
                    for (Family f : Family.values()) {
                        IpAddr target = f == Family.IPV4 ? a.ipv4() : a.ipv6();
                        if (target == null || (!shared && f == Family.IPV6)) {
                            continue;
                        }
                        IpAddr own = shared ? address(s, n.name(), f) : null;
                        if (shared && own == null) {
                            continue;
                        }
                        boolean ndDropped = !overlay && f == Family.IPV6 && n.internal() && bridgedFiltered;
                        boolean ok = shared && !apart && (overlay || n.icc()) && !ndDropped;
                        String label = s.name() + " -> " + d.name() + "@" + n.name() + (shared ? "" : " (other network)")
                                + (apart ? " (other node)" : "") + (overlay && shared && !Objects.equals(s.node(), d.node())
                                        ? " (across nodes)" : "");
                        cells.add(new Cell(label + " tcp" + fam(f), From.CONTAINER, s.netns(), f, Protocol.TCP, target.text(),
                                PROBE_PORT, false, ok, ok ? own.text() : null));
                        if (shared) {
                            cells.add(new Cell(label + " icmp" + fam(f), From.CONTAINER, s.netns(), f, null, target.text(), 0,
                                    true, ok, null));
                        }
                    }
                    if (!shared) {
                        cross++;
                    }
                }
            }
            // container to outside
            for (Family f : Family.values()) {
                Network g = s.gatewayNetwork() == null ? null : nets.get(s.gatewayNetwork());
                IpAddr own = g == null ? null : address(s, g.name(), f);
                boolean anyAddress = s.attachments().stream().anyMatch(a -> (f == Family.IPV4 ? a.ipv4() : a.ipv6()) != null);
                if (!anyAddress) {
                    continue;
                }
                // without masquerade, outside routes the subnet back to the first node only (every
                // node has the same subnet)
                boolean ok = g != null && g.driver() == Driver.BRIDGE && own != null
                        && (g.masquerade() || hostIndex(policy, s.node()) == 0);
                String peer = null;
                if (ok) {
                    if (!g.masquerade()) {
                        peer = own.text();
                    } else if (f == Family.IPV4 && g.snatSource() != null) {
                        peer = g.snatSource().text();
                    } else {
                        peer = uplink(policy, s.node(), f);
                    }
                }
                cells.add(new Cell(s.name() + " -> outside tcp" + fam(f), From.CONTAINER, s.netns(), f, Protocol.TCP,
                        f == Family.IPV4 ? OUTSIDE4 : OUTSIDE6, PROBE_PORT, false, ok, peer));
            }
            // published ports: from outside, from the host's 127.0.0.1, and the container itself (hairpin)
            for (PublishedPort p : s.published()) {
                if (p.protocol() == Protocol.SCTP) {
                    continue;
                }
                Family f = p.family();
                String uplink = uplink(policy, s.node(), f);
                String outside = f == Family.IPV4 ? OUTSIDE4 : OUTSIDE6;
                String proto = p.protocol().keyword();
                boolean onUplink = p.hostAddress() == null || p.hostAddress().text().equals(uplink);
                cells.add(new Cell("outside -> " + s.name() + " " + hostPort(p, uplink), From.OUTSIDE, null, f, p.protocol(),
                        uplink, p.hostPort(), false, onUplink, onUplink ? outside : null));
                // the port is open on the container's node only
                for (Node other : policy.nodes()) {
                    String there = uplink(policy, other.name(), f);
                    if (!other.name().equals(s.node()) && p.hostAddress() == null) {
                        cells.add(new Cell("outside -> " + s.name() + " " + hostPort(p, there) + " (" + other.name() + ")",
                                From.OUTSIDE, null, f, p.protocol(), there, p.hostPort(), false, false, null));
                    }
                }
                String loopback = f == Family.IPV4 ? "127.0.0.1" : "::1";
                boolean onLoopback = p.hostAddress() == null || p.hostAddress().text().equals(loopback);
                if (f == Family.IPV4 && onLoopback) {
                    cells.add(new Cell("host -> " + s.name() + " " + hostPort(p, loopback), From.HOST, s.node(), f,
                            p.protocol(), loopback, p.hostPort(), false, !proxy, null));
                }
                Network n = nets.get(p.network());
                if (onUplink && "tcp".equals(proto)) {
                    cells.add(new Cell(s.name() + " -> own " + hostPort(p, uplink) + " (hairpin)", From.CONTAINER, s.netns(), f,
                            p.protocol(), uplink, p.hostPort(), false, !proxy && n.icc(), null));
                }
            }
        }
        return cells;
    }

    /** The listeners the cells need: (netns, protocol, family, port); the outside is "" . */
    static Set<String> listeners(Policy policy, List<Cell> cells) {
        Set<String> out = new LinkedHashSet<>();
        for (Container c : ownNamespace(policy)) {
            for (Family f : Family.values()) {
                out.add(c.netns() + "|tcp|" + f + "|" + PROBE_PORT);
            }
            for (PublishedPort p : c.published()) {
                if (p.protocol() != Protocol.SCTP) {
                    out.add(c.netns() + "|" + p.protocol().keyword() + "|" + p.family() + "|" + p.containerPort());
                }
            }
        }
        return out;
    }

    /** The containers that get a network namespace of their own: all but those on the host network. */
    static List<Container> ownNamespace(Policy policy) {
        Map<String, Network> nets = policy.networksByName();
        return policy.containers().stream()
                .filter(c -> c.attachments().stream().noneMatch(a -> nets.get(a.network()).driver() == Driver.HOST)).toList();
    }

    private static String hostPort(PublishedPort p, String address) {
        String a = p.hostAddress() == null ? address : p.hostAddress().text();
        return (a.contains(":") ? "[" + a + "]" : a) + ":" + p.hostPort() + "/" + p.protocol().keyword();
    }

    private static String fam(Family f) {
        return f == Family.IPV4 ? "" : "6";
    }

    /**
     * Containers with a bridge or overlay network get cells for those attachments; the host network
     * has no namespace to probe from, and macvlan traffic leaves through a device the lab only
     * stands in for.
     */
    private static boolean probed(Container c, Map<String, Network> nets) {
        return c.attachments().stream().anyMatch(a -> nets.get(a.network()).driver() == Driver.BRIDGE
                        || nets.get(a.network()).driver() == Driver.OVERLAY)
                && c.attachments().stream().noneMatch(a -> nets.get(a.network()).driver() == Driver.HOST);
    }

    private static boolean onNetwork(Container c, String network) {
        return c.attachments().stream().anyMatch(a -> a.network().equals(network));
    }

    private static IpAddr address(Container c, String network, Family f) {
        for (Attachment a : c.attachments()) {
            if (a.network().equals(network)) {
                return f == Family.IPV4 ? a.ipv4() : a.ipv6();
            }
        }
        return null;
    }
}
