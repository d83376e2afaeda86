package dev.netpolc.backend.iplink;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.MacvlanOptions;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.OverlayOptions;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.Subnet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What one host needs, as the iplink templates print it: sysctls, bridges, VLAN sub-interfaces,
 * VXLAN devices and, per container, its namespace, interfaces and default routes. Every name is
 * already quoted (by {@link Shell}), every name meant for a comment reduced to printable ASCII,
 * and every list is in the order the script runs it, so the templates only loop and print.
 * Fields that do not apply are null.
 *
 * @param source     the policy file, for the header comment
 * @param node       the node this plan is for, or null for a policy without nodes
 * @param sysctls    the sysctls set to 1 before any link is created
 * @param brNetfilter whether a network has icc off, so bridged traffic must pass iptables
 */
public record HostPlan(String source, String node, List<Sysctl> sysctls, boolean brNetfilter, List<BridgeView> bridges,
        List<VlanView> vlans, List<VxlanView> vxlans, List<ContainerView> containers) {

    /** Docker's MTU for overlay networks: 1500 less the 50 bytes VXLAN adds. */
    static final int OVERLAY_DEFAULT_MTU = 1450;

    /** A sysctl set to 1: its dotted name for the comment, its path below /proc/sys (quoted). */
    public record Sysctl(String key, String path) {}

    /** An address with its prefix length; IPv6 addresses are added without duplicate address detection. */
    public record AddrView(String cidr, boolean ipv6) {}

    /** The bridge of a bridge or overlay network. {@code routeLocalnet} is the quoted sysctl path, or null. */
    public record BridgeView(int id, String network, String name, String mark, Integer mtu, List<AddrView> addresses,
            String routeLocalnet) {}

    /** An 802.1Q sub-interface {@code PARENT.VID}, created when missing, for the macvlan networks {@code users}. */
    public record VlanView(int id, String name, String parent, int vid, String mark, String users) {}

    /** The VXLAN device of an overlay network, a port of its bridge, with one flood entry per peer. */
    public record VxlanView(int id, String network, String name, String mark, int vni, int port, String underlay,
            String local, Integer mtu, String bridge, List<String> peers) {}

    /**
     * One interface of a container: a veth pair (host end {@code hostVeth} on {@code bridge}) or a
     * macvlan device on {@code lower}; named {@code name} inside the container's namespace.
     */
    public record InterfaceView(int id, String network, boolean veth, String name, String mac, Integer mtu,
            String hostVeth, String bridge, boolean hairpin, String lower, String mode, String mark,
            List<AddrView> addresses) {}

    /** A default route inside a container's namespace. */
    public record RouteView(boolean ipv6, String gateway, String device) {}

    /**
     * A container. {@code netns} (quoted, without the run-time prefix) is null for a container on
     * the host network, which has nothing of its own; {@code note} says why a container has no interface.
     */
    public record ContainerView(int id, String name, String netns, String mark, String note,
            List<InterfaceView> interfaces, List<RouteView> routes) {

        /** Whether one of its interfaces is a macvlan device, which lives in its namespace only. */
        public boolean hasMacvlan() {
            return interfaces.stream().anyMatch(i -> !i.veth());
        }
    }

    /**
     * One step of the teardown: delete {@code link} (in the container namespace {@code namespace},
     * or on the host when that is null) or, when {@code link} is null, the namespace itself; in
     * both cases only when it carries {@code mark}.
     */
    public record Drop(String comment, String namespace, String link, String mark) {}

    public HostPlan {
        sysctls = List.copyOf(sysctls);
        bridges = List.copyOf(bridges);
        vlans = List.copyOf(vlans);
        vxlans = List.copyOf(vxlans);
        containers = List.copyOf(containers);
    }

    /** What the teardown deletes, in order: containers (last first), then networks (last first), then VLANs. */
    public List<Drop> drops() {
        List<Drop> out = new ArrayList<>();
        List<ContainerView> cs = new ArrayList<>(containers);
        Collections.reverse(cs);
        for (ContainerView c : cs) {
            if (c.netns() == null) {
                continue;
            }
            List<InterfaceView> is = new ArrayList<>(c.interfaces());
            Collections.reverse(is);
            for (InterfaceView i : is) {
                if (i.veth()) {
                    out.add(new Drop("container " + c.name() + ", " + i.network() + ": veth pair", null, i.hostVeth(),
                            i.mark()));
                } else {
                    out.add(new Drop("container " + c.name() + ", " + i.network() + ": macvlan device", c.netns(),
                            i.name(), i.mark()));
                }
            }
            out.add(new Drop("container " + c.name() + ": network namespace", c.netns(), null, c.mark()));
        }
        Map<String, List<Drop>> byNetwork = new LinkedHashMap<>();
        for (BridgeView b : bridges) {
            byNetwork.computeIfAbsent(b.network(), k -> new ArrayList<>())
                    .add(new Drop("network " + b.network() + ": bridge", null, b.name(), b.mark()));
        }
        for (VxlanView x : vxlans) {
            // The VXLAN device goes before the bridge it is a port of.
            byNetwork.computeIfAbsent(x.network(), k -> new ArrayList<>())
                    .add(0, new Drop("network " + x.network() + ": VXLAN device", null, x.name(), x.mark()));
        }
        List<List<Drop>> networks = new ArrayList<>(byNetwork.values());
        Collections.reverse(networks);
        networks.forEach(out::addAll);
        List<VlanView> vs = new ArrayList<>(vlans);
        Collections.reverse(vs);
        for (VlanView v : vs) {
            out.add(new Drop("VLAN sub-interface of " + v.users(), null, v.name(), v.mark()));
        }
        return out;
    }

    /**
     * The plan for {@code nodeName} (null for a policy without nodes), with every name passed
     * through {@code quote}.
     *
     * @throws IllegalArgumentException when the policy declares nodes and none (or an unknown one) is named
     */
    public static HostPlan of(Policy policy, String nodeName, UnaryOperator<String> quote) {
        return new Builder(policy, nodeName, quote).build();
    }

    /** Builds a plan; one per call. */
    private static final class Builder {
        private final Policy policy;
        private final Node node;
        private final UnaryOperator<String> q;
        private final Map<String, Network> networks;
        /** A network's words for the scripts, made once rather than once per container interface. */
        private final Map<String, NetworkWords> words = new java.util.HashMap<>();

        private record NetworkWords(String comment, String bridge) {}

        Builder(Policy policy, String nodeName, UnaryOperator<String> quote) {
            this.policy = policy;
            this.q = quote;
            this.networks = policy.networksByName();
            if (nodeName == null) {
                if (!policy.nodes().isEmpty()) {
                    throw new IllegalArgumentException("the policy declares nodes; name the one to render");
                }
                this.node = null;
            } else {
                this.node = policy.node(nodeName)
                        .orElseThrow(() -> new IllegalArgumentException("no node '" + nodeName + "' in the policy"));
            }
        }

        HostPlan build() {
            List<Container> containers = policy.containers().stream()
                    .filter(c -> node == null || node.name().equals(c.node())).toList();
            List<BridgeView> bridges = new ArrayList<>();
            List<VxlanView> vxlans = new ArrayList<>();
            Map<String, VlanDraft> vlans = new LinkedHashMap<>();
            boolean proxy = policy.settings().userlandProxy();
            boolean forward4 = false;
            boolean forward6 = false;
            boolean icc4 = false;
            boolean icc6 = false;
            boolean forwardRules = policy.rules().stream().anyMatch(r -> r.hook() == dev.netpolc.ir.RuleHook.FORWARD);
            for (Network n : policy.networks()) {
                if (n.driver() == Driver.BRIDGE || n.driver() == Driver.OVERLAY) {
                    forward4 = true;
                    forward6 |= n.ipv6() != null;
                    // icc off, and policy rules for forwarded traffic, filter traffic within one bridge
                    if (n.isBridge() && (!n.icc() || forwardRules)) {
                        icc4 = true;
                        icc6 |= n.ipv6() != null;
                    }
                    List<AddrView> addrs = new ArrayList<>();
                    addrs.add(gateway(n.ipv4()));
                    if (n.ipv6() != null) {
                        addrs.add(gateway(n.ipv6()));
                    }
                    String routeLocalnet = n.isBridge() && !proxy
                            ? q.apply("net/ipv4/conf/" + n.bridgeName() + "/route_localnet") : null;
                    bridges.add(new BridgeView(bridges.size() + 1, Shell.comment(n.name()), q.apply(n.bridgeName()),
                            q.apply(Marks.bridge(n.name())), mtu(n), addrs, routeLocalnet));
                }
                if (n.driver() == Driver.OVERLAY) {
                    vxlans.add(vxlan(vxlans.size() + 1, n));
                }
                if (n.driver() == Driver.MACVLAN && n.macvlan().vlan() != null) {
                    MacvlanOptions m = n.macvlan();
                    vlans.computeIfAbsent(m.effectiveParent(), k -> new VlanDraft(m)).users.add(n.name());
                }
            }
            List<Sysctl> sysctls = new ArrayList<>();
            if (forward4) {
                sysctls.add(sysctl("net.ipv4.ip_forward", "net/ipv4/ip_forward"));
            }
            if (forward6) {
                sysctls.add(sysctl("net.ipv6.conf.all.forwarding", "net/ipv6/conf/all/forwarding"));
            }
            if (icc4) {
                sysctls.add(sysctl("net.bridge.bridge-nf-call-iptables", "net/bridge/bridge-nf-call-iptables"));
            }
            if (icc6) {
                sysctls.add(sysctl("net.bridge.bridge-nf-call-ip6tables", "net/bridge/bridge-nf-call-ip6tables"));
            }
            List<VlanView> vlanViews = new ArrayList<>();
            for (VlanDraft v : vlans.values()) {
                vlanViews.add(new VlanView(vlanViews.size() + 1, q.apply(v.name), q.apply(v.parent), v.vid,
                        q.apply(Marks.vlan(v.name)), Shell.comment(String.join(", ", v.users))));
            }
            List<ContainerView> containerViews = new ArrayList<>();
            int[] interfaceIds = {0};
            for (Container c : containers) {
                containerViews.add(container(containerViews.size() + 1, c, proxy, interfaceIds));
            }
            return new HostPlan(Shell.comment(policy.files().isEmpty() ? "<policy>" : policy.files().get(0)),
                    node == null ? null : Shell.comment(node.name()), sysctls, icc4, bridges, vlanViews, vxlans,
                    containerViews);
        }

        private Sysctl sysctl(String key, String path) {
            return new Sysctl(key, q.apply(path));
        }

        private static AddrView gateway(Subnet s) {
            return new AddrView(s.gateway().text() + "/" + s.cidr().prefix(), s.family() == Family.IPV6);
        }

        private static AddrView address(IpAddr a, Subnet s) {
            return new AddrView(a.text() + "/" + s.cidr().prefix(), a.family() == Family.IPV6);
        }

        /** The MTU of a network's devices: the policy's, or Docker's 1450 for an overlay network. */
        private static Integer mtu(Network n) {
            if (n.mtu() == null && n.driver() == Driver.OVERLAY) {
                return OVERLAY_DEFAULT_MTU;
            }
            return n.mtu();
        }

        private VxlanView vxlan(int id, Network n) {
            OverlayOptions o = n.overlay();
            String underlay = o.underlay() != null ? o.underlay() : node == null ? null : node.underlay();
            IpAddr local = node == null ? null : node.address();
            Set<String> peers = new LinkedHashSet<>();
            for (Node other : policy.nodes()) {
                if (node != null && !other.name().equals(node.name())) {
                    peers.add(other.address().text());
                }
            }
            for (IpAddr p : o.peers()) {
                peers.add(p.text());
            }
            if (local != null) {
                peers.remove(local.text());
            }
            return new VxlanView(id, Shell.comment(n.name()), q.apply(o.vxlanDevice()), q.apply(Marks.vxlan(n.name())), o.vxlanId(),
                    OverlayOptions.VXLAN_PORT, underlay == null ? null : q.apply(underlay),
                    local == null ? null : local.text(), mtu(n), q.apply(n.bridgeName()), List.copyOf(peers));
        }

        private ContainerView container(int id, Container c, boolean proxy, int[] interfaceIds) {
            List<InterfaceView> interfaces = new ArrayList<>();
            boolean onHost = false;
            boolean onNone = false;
            for (Attachment a : c.attachments()) {
                Network n = networks.get(a.network());
                if (n.driver() == Driver.HOST) {
                    onHost = true;
                    continue;
                }
                if (n.driver() == Driver.NONE) {
                    onNone = true;
                    continue;
                }
                List<AddrView> addrs = new ArrayList<>();
                if (a.ipv4() != null) {
                    addrs.add(address(a.ipv4(), n.ipv4()));
                }
                if (a.ipv6() != null) {
                    addrs.add(address(a.ipv6(), n.ipv6()));
                }
                int iid = ++interfaceIds[0];
                NetworkWords w = words.computeIfAbsent(n.name(), k -> new NetworkWords(Shell.comment(n.name()),
                        n.bridgeName() == null ? null : q.apply(n.bridgeName())));
                if (n.driver() == Driver.MACVLAN) {
                    interfaces.add(new InterfaceView(iid, w.comment, false, q.apply(a.interfaceName()), a.mac(), mtu(n),
                            null, null, false, q.apply(n.macvlan().effectiveParent()), n.macvlan().mode(),
                            q.apply(Marks.macvlan(c.name(), n.name())), addrs));
                } else {
                    interfaces.add(new InterfaceView(iid, w.comment, true, q.apply(a.interfaceName()), a.mac(), mtu(n),
                            q.apply(a.hostVeth()), w.bridge, n.isBridge() && !proxy, null, null,
                            q.apply(Marks.veth(c.name(), n.name())), addrs));
                }
            }
            List<RouteView> routes = new ArrayList<>();
            if (c.gatewayNetwork() != null) {
                Network g = networks.get(c.gatewayNetwork());
                Attachment a = null;
                for (Attachment x : c.attachments()) {
                    if (x.network().equals(g.name())) {
                        a = x;
                        break;
                    }
                }
                Objects.requireNonNull(a, "the gateway network is one of the container's");
                routes.add(new RouteView(false, g.ipv4().gateway().text(), q.apply(a.interfaceName())));
                if (g.ipv6() != null && a.ipv6() != null) {
                    routes.add(new RouteView(true, g.ipv6().gateway().text(), q.apply(a.interfaceName())));
                }
            }
            String note = onHost ? "on the host network: it shares the host's namespace, nothing to create"
                    : onNone ? "on the none network: a namespace with only its loopback" : null;
            return new ContainerView(id, Shell.comment(c.name()), onHost ? null : q.apply(c.netns()), q.apply(Marks.netns(c.name())),
                    note, interfaces, routes);
        }
    }

    /** A VLAN sub-interface and the macvlan networks on it. */
    private static final class VlanDraft {
        final String name;
        final String parent;
        final int vid;
        final List<String> users = new ArrayList<>();

        VlanDraft(MacvlanOptions m) {
            this.name = m.effectiveParent();
            this.parent = m.parent();
            this.vid = Objects.requireNonNull(m.vlan());
        }
    }
}
