package dev.netpolc.backend.nftables;

import dev.netpolc.backend.Comments;
import dev.netpolc.backend.nftables.NftSet.Order;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.Subnet;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Docker's bridge-network behaviour as one nftables table: the same verdicts as the iptables
 * layout (user hook first, isolation between networks, internal networks, icc, conntrack, published
 * ports, masquerade or SNAT, hairpin NAT, userland proxy on or off), but every per-network and
 * per-port fact lives in a set or map. The rules are fixed: their number does not change as
 * networks and ports are added, and a packet meets the same number of rules whatever the size of
 * the policy (set lookups are hash, tree or pipapo lookups).
 *
 * <p>Two facts that iptables expresses per bridge need a trick in sets. "Input and output are the
 * same bridge" is the lookup of {@code iifname . oifname} in a set of {@code BR . BR} pairs, one per
 * bridge. "The source is on the output bridge's own subnet" is the lookup of
 * {@code oifname . ip saddr} in a set of {@code BR . SUBNET} intervals.
 */
final class NftablesLayout {

    private final Policy policy;
    private final Map<String, Network> networks;
    private final Map<String, NftSet> sets = new LinkedHashMap<>();
    private final boolean annotate;

    NftablesLayout(Policy policy, boolean annotate) {
        this.policy = policy;
        this.networks = policy.networksByName();
        this.annotate = annotate;
    }

    /** The comment of an element that a statement produced, or null when not annotating. */
    private String comment(String source) {
        return annotate ? Comments.safe(source, Comments.NFTABLES_MAX) : null;
    }

    NftablesView.TableView build() {
        for (Family f : Family.values()) {
            fill(f);
        }
        fillOverlays();
        NftPolicyRules rules = new NftPolicyRules(policy, annotate, n -> set(n, "ipv4_addr", Order.ADDRESS, 2),
                n -> set(n, "ipv6_addr", Order.ADDRESS, 1));
        List<String> userRules = rules.chain(RuleHook.FORWARD);
        List<String> inputRules = rules.chain(RuleHook.INPUT);
        List<String> outputRules = rules.chain(RuleHook.OUTPUT);
        List<NftablesView.SetView> setViews = new ArrayList<>();
        sets.values().forEach(s -> setViews.add(s.view()));
        boolean proxy = policy.settings().userlandProxy();
        List<NftablesView.ChainView> chains = new ArrayList<>(List.of(
                new NftablesView.ChainView("user", null, userRules),
                new NftablesView.ChainView("forward", "type filter hook forward priority filter; policy "
                        + policy.settings().forwardPolicy().name().toLowerCase(Locale.ROOT) + ";", forwardRules()),
                new NftablesView.ChainView("prerouting", "type nat hook prerouting priority dstnat; policy accept;",
                        List.of("fib daddr type local jump port_dnat")),
                new NftablesView.ChainView("output", "type nat hook output priority -100; policy accept;",
                        proxy ? List.of("ip daddr != 127.0.0.0/8 fib daddr type local jump port_dnat",
                                "ip6 daddr != ::1 fib daddr type local jump port_dnat")
                                : List.of("fib daddr type local jump port_dnat")),
                new NftablesView.ChainView("port_dnat", null, portDnatRules()),
                new NftablesView.ChainView("postrouting", "type nat hook postrouting priority srcnat; policy accept;",
                        postroutingRules())));
        if (!inputRules.isEmpty()) {
            chains.add(new NftablesView.ChainView("input", "type filter hook input priority filter; policy accept;", inputRules));
        }
        if (!outputRules.isEmpty()) {
            chains.add(new NftablesView.ChainView("output_filter", "type filter hook output priority filter; policy accept;",
                    outputRules));
        }
        return new NftablesView.TableView("inet", policy.settings().nftTable(), List.copyOf(setViews), chains);
    }

    private static String v(Family f) {
        return f == Family.IPV4 ? "4" : "6";
    }

    private static String ip(Family f) {
        return f == Family.IPV4 ? "ip" : "ip6";
    }

    private static String nfproto(Family f) {
        return f == Family.IPV4 ? "meta nfproto ipv4" : "meta nfproto ipv6";
    }

    private static String addrType(Family f) {
        return f == Family.IPV4 ? "ipv4_addr" : "ipv6_addr";
    }

    /** nft prints IPv4 addresses two to a line and IPv6 addresses one to a line. */
    private static int addrPerLine(Family f) {
        return f == Family.IPV4 ? 2 : 1;
    }

    private NftSet set(String name, String type, Order order, int perLine) {
        return sets.computeIfAbsent(name, n -> NftSet.set(n, type, order, perLine));
    }

    private NftSet map(String name, String type, Order order, int perLine) {
        return sets.computeIfAbsent(name, n -> NftSet.map(n, type, order, perLine));
    }

    private void fill(Family f) {
        String s = v(f);
        String addr = addrType(f);
        boolean proxy = policy.settings().userlandProxy();
        NftSet bridges = set("bridges" + s, "ifname", Order.NAME, 1);
        NftSet internal = set("internal" + s, "ifname", Order.NAME, 1);
        NftSet same = set("same" + s, "ifname . ifname", Order.INSERTION, 1);
        NftSet icc = set("icc" + s, "ifname . ifname", Order.INSERTION, 1);
        NftSet noicc = set("noicc" + s, "ifname . ifname", Order.INSERTION, 1);
        NftSet subnets = set("subnets" + s, "ifname . " + addr, Order.INSERTION, 1);
        NftSet published = set("published" + s, "ifname . " + addr + " . inet_proto . inet_service", Order.INSERTION, 1);
        NftSet masq = set("masq" + s, addr, Order.ADDRESS, addrPerLine(f));
        NftSet snat = f == Family.IPV4 ? map("snat4", "ipv4_addr : ipv4_addr", Order.ADDRESS, 2) : null;
        NftSet localMasq = set("local_masq" + s, "ifname", Order.NAME, 1);
        NftSet localSnat = f == Family.IPV4 ? map("local_snat4", "ifname : ipv4_addr", Order.NAME, 1) : null;
        NftSet hairpin = set("hairpin" + s, addr + " . " + addr + " . inet_proto . inet_service", Order.INSERTION, 1);
        NftSet dnatReturn = set("dnat_return" + s, "ifname", Order.NAME, 1);
        NftSet ownAny = set("dnat_own_any" + s, "ifname . inet_proto . inet_service", Order.INSERTION, 1);
        NftSet ownBound = set("dnat_own_bound" + s, "ifname . " + addr + " . inet_proto . inet_service", Order.INSERTION, 1);
        NftSet dnatAny = map("dnat_any" + s, "inet_proto . inet_service : " + addr + " . inet_service", Order.INSERTION, 1);
        NftSet dnatBound = map("dnat_bound" + s, addr + " . inet_proto . inet_service : " + addr + " . inet_service",
                Order.INSERTION, 1);

        for (Network n : policy.networks()) {
            if (!n.isBridge() || n.subnet(f).isEmpty()) {
                continue;
            }
            String br = quote(n.bridgeName());
            Subnet sub = n.subnet(f).get();
            String src = comment(Comments.at(n.span(), "network " + n.name()));
            String pair = br + " . " + br;
            same.add(pair, null, null, src);
            (n.icc() ? icc : noicc).add(pair, null, null, src);
            subnets.add(br + " . " + sub.cidr(), null, null, src);
            if (n.internal()) {
                internal.add(br, null, n.bridgeName(), src);
                continue;
            }
            bridges.add(br, null, n.bridgeName(), src);
            boolean snatted = f == Family.IPV4 && n.snatSource() != null;
            if (n.masquerade()) {
                if (snatted) {
                    snat.add(sub.cidr().toString(), n.snatSource().text(), sortKey(sub.cidr().address()), src);
                } else {
                    masq.add(sub.cidr().toString(), null, sortKey(sub.cidr().address()), src);
                }
                if (proxy) {
                    dnatReturn.add(br, null, n.bridgeName(), src);
                }
            }
            if (!proxy) {
                if (snatted) {
                    localSnat.add(br, n.snatSource().text(), n.bridgeName(), src);
                } else {
                    localMasq.add(br, null, n.bridgeName(), src);
                }
            }
        }
        for (Container c : policy.containers()) {
            for (PublishedPort p : c.published()) {
                if (p.family() != f) {
                    continue;
                }
                String br = quote(networks.get(p.network()).bridgeName());
                String proto = p.protocol().keyword();
                String cip = p.containerAddress().text();
                String src = comment(Comments.at(p.span(), c.name() + " publish "
                        + (p.hostAddress() == null ? "" : p.hostAddress() + ":") + p.hostPort() + "->" + p.containerPort() + "/" + proto));
                published.add(br + " . " + cip + " . " + proto + " . " + p.containerPort(), null, null, src);
                hairpin.add(cip + " . " + cip + " . " + proto + " . " + p.containerPort(), null, null, src);
                String target = cip + " . " + p.containerPort();
                if (p.hostAddress() == null) {
                    dnatAny.add(proto + " . " + p.hostPort(), target, null, src);
                    if (proxy) {
                        ownAny.add(br + " . " + proto + " . " + p.hostPort(), null, null, src);
                    }
                } else {
                    String bound = p.hostAddress().text() + " . " + proto + " . " + p.hostPort();
                    dnatBound.add(bound, target, null, src);
                    if (proxy) {
                        ownBound.add(br + " . " + bound, null, null, src);
                    }
                }
            }
        }
    }

    /**
     * An overlay's bridge is in the host's namespace here (Docker gives it a namespace of its own):
     * its bridged traffic passes the forward hook once br_netfilter is loaded, and nothing may be
     * routed into or out of it. Policies without an overlay have neither these sets nor their rules.
     */
    private void fillOverlays() {
        for (Network n : policy.networks()) {
            if (n.driver() == Driver.OVERLAY) {
                String br = quote(n.bridgeName());
                String src = comment(Comments.at(n.span(), "network " + n.name()));
                set("overlays", "ifname", Order.NAME, 1).add(br, null, n.bridgeName(), src);
                set("overlay_same", "ifname . ifname", Order.INSERTION, 1).add(br + " . " + br, null, null, src);
            }
        }
    }

    private List<String> forwardRules() {
        List<String> r = new ArrayList<>();
        r.add("jump user");
        if (sets.containsKey("overlays")) {
            r.add("iifname @overlays iifname . oifname != @overlay_same drop");
            r.add("oifname @overlays iifname . oifname != @overlay_same drop");
            r.add("iifname . oifname @overlay_same accept");
        }
        for (Family f : Family.values()) {
            String s = v(f);
            r.add("oifname @internal" + s + " oifname . " + ip(f) + " saddr != @subnets" + s + " drop");
            r.add("iifname @internal" + s + " iifname . " + ip(f) + " daddr != @subnets" + s + " drop");
        }
        for (Family f : Family.values()) {
            String s = v(f);
            r.add(nfproto(f) + " iifname @bridges" + s + " oifname @bridges" + s + " iifname . oifname != @same" + s + " drop");
        }
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " oifname @bridges" + v(f) + " ct state established,related accept");
        }
        for (Family f : Family.values()) {
            String s = v(f);
            r.add("oifname . " + ip(f) + " daddr . meta l4proto . th dport @published" + s + " iifname . oifname != @same" + s
                    + " accept");
        }
        for (Family f : Family.values()) {
            String s = v(f);
            r.add(nfproto(f) + " iifname @bridges" + s + " iifname . oifname != @same" + s + " accept");
        }
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " iifname . oifname @icc" + v(f) + " accept");
        }
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " iifname . oifname @noicc" + v(f) + " drop");
        }
        return r;
    }

    private List<String> portDnatRules() {
        List<String> r = new ArrayList<>();
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " iifname @dnat_return" + v(f) + " return");
        }
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " iifname . meta l4proto . th dport @dnat_own_any" + v(f) + " return");
        }
        for (Family f : Family.values()) {
            r.add("iifname . " + ip(f) + " daddr . meta l4proto . th dport @dnat_own_bound" + v(f) + " return");
        }
        for (Family f : Family.values()) {
            r.add("meta l4proto { tcp, udp, sctp } dnat " + ip(f) + " to " + ip(f)
                    + " daddr . meta l4proto . th dport map @dnat_bound" + v(f));
        }
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " meta l4proto { tcp, udp, sctp } dnat " + ip(f) + " to meta l4proto . th dport map @dnat_any"
                    + v(f));
        }
        return r;
    }

    private List<String> postroutingRules() {
        List<String> r = new ArrayList<>();
        for (Family f : Family.values()) {
            String s = v(f);
            r.add(ip(f) + " saddr @masq" + s + " oifname . " + ip(f) + " saddr != @subnets" + s + " masquerade");
        }
        r.add("oifname . ip saddr != @subnets4 snat ip to ip saddr map @snat4");
        for (Family f : Family.values()) {
            r.add(nfproto(f) + " oifname @local_masq" + v(f) + " fib saddr type local masquerade");
        }
        r.add("meta nfproto ipv4 fib saddr type local snat ip to oifname map @local_snat4");
        for (Family f : Family.values()) {
            String s = v(f);
            r.add(ip(f) + " saddr . " + ip(f) + " daddr . meta l4proto . th dport @hairpin" + s + " masquerade");
        }
        return r;
    }

    /** Names were validated by the compiler (letters, digits, '.', '-', '_'); quoting makes any of them a string. */
    private static String quote(String name) {
        return "\"" + name + "\"";
    }

    /** The numeric value of an address, for the order nft lists a sorted set in. */
    private static BigInteger sortKey(IpAddr a) {
        try {
            return new BigInteger(1, InetAddress.getByName(a.text()).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("not an address literal: " + a.text(), e);
        }
    }
}
