package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.compiler.resolve.NetworkResolver.Draft;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.SourceSpan;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves containers: attachments with static and allocated addresses, MACs, interface and veth
 * names, the gateway network, and published ports.
 */
final class ContainerResolver {


    private final Diagnostics diags;
    private final InterfaceNames interfaces;
    private final NetworkResolver networks;
    private final NodeResolver nodes;
    /** Published host ports already taken: (family, protocol, port) to the publishes holding it. */
    private final Map<String, List<Taken>> hostPorts = new HashMap<>();
    /** MAC addresses per network. */
    private final Map<String, Map<String, SourceSpan>> macs = new HashMap<>();
    private final Map<String, SourceSpan> netnsNames = new HashMap<>();

    private record Taken(IpAddr hostAddress, SourceSpan span, String container) {}

    /** A container while it is being resolved. */
    private static final class CDraft {
        final Block block;
        final String name;
        String netns;
        String node;
        final List<ADraft> attachments = new ArrayList<>();
        final List<Attr> publishes = new ArrayList<>();

        CDraft(Block block) {
            this.block = block;
            this.name = block.name().text();
        }
    }

    /** An attachment while it is being resolved. */
    private static final class ADraft {
        final Draft network;
        final SourceSpan span;
        BigInteger ipv4;
        BigInteger ipv6;
        boolean staticIpv4;
        boolean staticIpv6;
        String mac;
        SourceSpan macSpan;

        ADraft(Draft network, SourceSpan span) {
            this.network = network;
            this.span = span;
        }
    }

    ContainerResolver(Diagnostics diags, InterfaceNames interfaces, NetworkResolver networks, NodeResolver nodes) {
        this.diags = diags;
        this.interfaces = interfaces;
        this.networks = networks;
        this.nodes = nodes;
    }

    List<Container> resolve(List<Block> blocks) {
        Map<String, CDraft> byName = new LinkedHashMap<>();
        for (Block b : blocks) {
            String name = b.name().text();
            var problem = Names.objectNameProblem(name);
            if (problem.isPresent()) {
                diags.report(DiagnosticCode.INVALID_NAME, b.name().span(), "invalid container name: " + problem.get(),
                        Note.help("start with a letter or digit and use only letters, digits, '.', '-' and '_'"));
                continue;
            }
            CDraft c = new CDraft(b);
            CDraft first = byName.putIfAbsent(name, c);
            if (first != null) {
                diags.report(DiagnosticCode.DUPLICATE_CONTAINER, b.name().span(), "container '" + name + "' is declared twice",
                        Note.note("first declared at " + first.block.name().span()), Note.help("rename or remove one of them"));
                continue;
            }
            readContainer(c);
        }
        // Static addresses are reserved for every container before any address is allocated,
        // so an allocated address never takes one that a later container asked for.
        for (CDraft c : byName.values()) {
            for (ADraft a : c.attachments) {
                allocate(c, a);
            }
        }
        List<Container> out = new ArrayList<>();
        for (CDraft c : byName.values()) {
            Container resolved = finish(c);
            if (resolved != null) {
                out.add(resolved);
            }
        }
        return out;
    }

    private void readContainer(CDraft c) {
        Map<String, SourceSpan> attached = new HashMap<>();
        for (Attr a : c.block.attrs()) {
            switch (a.key()) {
                case "netns":
                    readNetns(c, a.value());
                    break;
                case "publish":
                    c.publishes.add(a);
                    break;
                case "attach":
                    readAttach(c, a, attached);
                    break;
                case "node":
                    c.node = nodes.reference(a.value());
                    break;
                default:
                    break;
            }
        }
        if (c.netns == null) {
            c.netns = c.name;
            claimNetns(c.name, c.block.name().span(), c);
        }
        // A container without 'attach' joins 'bridge', as with 'docker run'; but when the block has
        // an unknown attribute (a misspelt 'attach', say) that is already reported, and guessing
        // the network would only add a second, misleading error.
        boolean unknownAttribute = c.block.incomplete();
        boolean hasNode = false;
        boolean hasAttach = false;
        for (Attr a : c.block.attrs()) {
            unknownAttribute |= !AttributeTable.CONTAINER.contains(a.key());
            hasNode |= a.key().equals("node");
            hasAttach |= a.key().equals("attach");
        }
        if (nodes.any() && !unknownAttribute && !hasNode) {
            diags.report(DiagnosticCode.MISSING_ATTRIBUTE, c.block.name().span(), "container '" + c.name
                    + "' has no node, but the policy declares nodes",
                    Note.note("in a policy with nodes, every container runs on one of them: "
                            + String.join(", ", nodes.names())),
                    Note.help("add 'node NAME' to the container"));
        }
        if (attached.isEmpty() && !unknownAttribute && !hasAttach) {
            Draft bridge = networks.draft(NetworkResolver.DEFAULT_BRIDGE_NETWORK);
            if (bridge != null && bridge.driver == Driver.BRIDGE) {
                c.attachments.add(new ADraft(bridge, c.block.name().span()));
            } else {
                diags.report(DiagnosticCode.NO_NETWORK, c.block.name().span(), "container '" + c.name + "' has no network",
                        Note.note("like 'docker run', a container without 'attach' joins the network named 'bridge', "
                                + (bridge == null ? "which this policy does not declare"
                                        : "but here 'bridge' uses the " + bridge.driver.keyword() + " driver")),
                        Note.help("add 'attach NETWORK' to the container, or declare 'network bridge {}'"));
            }
        }
        boolean exclusive = false;
        for (ADraft a : c.attachments) {
            exclusive |= !a.network.driver.hasAddressing();
        }
        if (exclusive && c.attachments.size() > 1) {
            ADraft special = c.attachments.stream().filter(a -> !a.network.driver.hasAddressing()).findFirst().get();
            diags.report(DiagnosticCode.EXCLUSIVE_NETWORK, special.span,
                    "a container on the " + special.network.driver.keyword() + " network '" + special.network.name
                            + "' cannot join other networks",
                    Note.help(special.network.driver == Driver.HOST ? "a host-network container already shares every host interface"
                            : "the none network means no networking; remove it or the other attachments"));
        }
    }

    private void readNetns(CDraft c, Value v) {
        String n = v.text();
        if (!Names.isObjectName(n) || n.length() > 64) {
            diags.report(DiagnosticCode.INVALID_NAME, v.span(), "invalid network namespace name '" + Names.printable(n) + "'",
                    Note.help("use at most 64 letters, digits, '.', '-' and '_', starting with a letter or digit"));
            return;
        }
        c.netns = n;
        claimNetns(n, v.span(), c);
    }

    private void claimNetns(String n, SourceSpan span, CDraft c) {
        SourceSpan first = netnsNames.putIfAbsent(n, span);
        if (first != null) {
            diags.report(DiagnosticCode.INVALID_VALUE, span, "network namespace '" + n + "' of container '" + c.name
                    + "' is already used by another container", Note.note("first used at " + first),
                    Note.help("give each container a namespace of its own"));
        }
    }

    private void readAttach(CDraft c, Attr a, Map<String, SourceSpan> attached) {
        Value netName = a.value();
        Draft net = networks.draft(netName.text());
        if (net == null) {
            List<Note> notes = new ArrayList<>();
            Suggest.didYouMean(netName.text(), networks.names()).ifPresent(notes::add);
            notes.add(Note.help(networks.names().isEmpty() ? "declare the network with 'network " + netName.text() + " { ... }'"
                    : "declare the network, or attach to one of: " + String.join(", ", networks.names())));
            diags.add(new Diagnostic(DiagnosticCode.UNDEFINED_NETWORK, DiagnosticCode.UNDEFINED_NETWORK.defaultSeverity(),
                    netName.span(), "undefined network '" + Names.printable(netName.text()) + "'", notes));
            return;
        }
        SourceSpan first = attached.putIfAbsent(net.name, netName.span());
        if (first != null) {
            diags.report(DiagnosticCode.DUPLICATE_ATTACH, netName.span(), "container '" + c.name + "' is attached to network '"
                    + net.name + "' twice", Note.note("first attached at " + first), Note.help("remove one of the attach lines"));
            return;
        }
        ADraft ad = new ADraft(net, netName.span());
        Map<String, SourceSpan> seen = new HashMap<>();
        for (Attr.Option o : a.options()) {
            SourceSpan again = seen.putIfAbsent(o.key(), o.keySpan());
            if (again != null) {
                diags.report(DiagnosticCode.DUPLICATE_ATTRIBUTE, o.keySpan(), "'" + o.key() + "' is given twice for one attachment",
                        Note.note("first given at " + again));
                continue;
            }
            if (!net.driver.hasAddressing()) {
                diags.report(DiagnosticCode.ATTACH_OPTION_NOT_FOR_DRIVER, o.keySpan(),
                        "'" + o.key() + "' does not apply to the " + net.driver.keyword() + " network '" + net.name + "'",
                        Note.help("a container on a " + net.driver.keyword() + " network gets no interface of its own"));
                continue;
            }
            switch (o.key()) {
                case "ip":
                case "ip6":
                    ad.ipv4 = o.key().equals("ip") ? staticAddress(c, net, o, Family.IPV4) : ad.ipv4;
                    ad.ipv6 = o.key().equals("ip6") ? staticAddress(c, net, o, Family.IPV6) : ad.ipv6;
                    ad.staticIpv4 = ad.ipv4 != null;
                    ad.staticIpv6 = ad.ipv6 != null;
                    break;
                case "mac":
                    ad.mac = staticMac(o.value());
                    ad.macSpan = o.value().span();
                    break;
                default:
                    throw new IllegalStateException("unhandled attach option " + o.key());
            }
        }
        c.attachments.add(ad);
    }

    private BigInteger staticAddress(CDraft c, Draft net, Attr.Option o, Family family) {
        Ip addr = networks.address(o.value());
        if (addr == null) {
            return null;
        }
        Family actual = Addresses.family(addr);
        if (actual != family) {
            diags.report(DiagnosticCode.FAMILY_MISMATCH, o.value().span(), "'" + o.key() + "' takes an "
                    + (family == Family.IPV4 ? "IPv4" : "IPv6") + " address, not " + Addresses.ir(addr),
                    Note.help("write '" + (family == Family.IPV4 ? "ip6 " : "ip ") + Addresses.ir(addr) + "'"));
            return null;
        }
        AddressPool pool = net.pools.get(family);
        if (pool == null) {
            if ((family == Family.IPV4 ? net.subnet4 : net.subnet6) == null) {
                diags.report(DiagnosticCode.FAMILY_MISMATCH, o.value().span(), "network '" + net.name + "' has no "
                        + (family == Family.IPV4 ? "IPv4" : "IPv6") + " subnet for address " + Addresses.ir(addr),
                        Note.help("add an " + (family == Family.IPV4 ? "IPv4" : "IPv6") + " subnet to network '" + net.name + "'"));
            }
            return null; // the subnet itself was invalid and is reported already
        }
        BigInteger v = Addresses.value(addr);
        if (!pool.inSubnet(v)) {
            Subnetish s = subnetOf(net, family);
            diags.report(DiagnosticCode.STATIC_ADDRESS_OUTSIDE_SUBNET, o.value().span(),
                    "address " + Addresses.ir(addr) + " is not in subnet " + s.text + " of network '" + net.name + "'",
                    Note.help("use an address inside " + s.text));
            return null;
        }
        String role = pool.reservedRole(v);
        if (role != null) {
            diags.report(DiagnosticCode.STATIC_ADDRESS_RESERVED, o.value().span(),
                    "address " + Addresses.ir(addr) + " is " + role + " of network '" + net.name + "'",
                    Note.help("choose another address for container '" + c.name + "'"));
            return null;
        }
        SourceSpan first = pool.reserve(v, o.value().span());
        if (first != null) {
            diags.report(DiagnosticCode.ADDRESS_IN_USE, o.value().span(), "address " + Addresses.ir(addr)
                    + " on network '" + net.name + "' is already given to another container",
                    Note.note("first given at " + first), Note.help("give each container its own address"));
            return null;
        }
        return v;
    }

    private record Subnetish(String text) {}

    private static Subnetish subnetOf(Draft net, Family family) {
        return new Subnetish(Addresses.irCidr(family == Family.IPV4 ? net.subnet4 : net.subnet6).toString());
    }

    /**
     * Whether {@code m} is six pairs of hex digits joined by colons ({@code
     * [0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}}), written out as in {@link Names#isWord}; {@code NamesTest}
     * checks it against the expression.
     */
    static boolean isMac(String m) {
        if (m.length() != 17) {
            return false;
        }
        for (int i = 0; i < 17; i++) {
            char c = m.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : Names.isHexDigit(c);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private String staticMac(Value v) {
        String m = v.text();
        if (!isMac(m)) {
            diags.report(DiagnosticCode.INVALID_MAC, v.span(), "invalid MAC address '" + Names.printable(m) + "'",
                    Note.help("write six hex bytes separated by colons, such as 02:42:0a:00:00:05"));
            return null;
        }
        int firstOctet = Integer.parseInt(m.substring(0, 2), 16);
        if ((firstOctet & 1) == 1) {
            diags.report(DiagnosticCode.INVALID_MAC, v.span(), "MAC address " + m + " is a multicast address",
                    Note.help("the lowest bit of the first byte must be 0; locally administered addresses start with 02"));
            return null;
        }
        if (m.equals("00:00:00:00:00:00")) {
            diags.report(DiagnosticCode.INVALID_MAC, v.span(), "MAC address " + m + " is all zeros",
                    Note.help("choose a unicast address, such as 02:42:0a:00:00:05"));
            return null;
        }
        return m.toLowerCase(Locale.ROOT);
    }

    private void allocate(CDraft c, ADraft a) {
        for (Family f : Family.values()) {
            AddressPool pool = a.network.pools.get(f);
            if (pool == null || (f == Family.IPV4 ? a.ipv4 : a.ipv6) != null) {
                continue;
            }
            BigInteger v = pool.allocate();
            if (v == null) {
                diags.report(DiagnosticCode.POOL_EXHAUSTED, a.span, "no free " + (f == Family.IPV4 ? "IPv4" : "IPv6")
                        + " address left on network '" + a.network.name + "' for container '" + c.name + "'",
                        Note.note("addresses are allocated from " + pool(f == Family.IPV4 ? a.network.ipv4 : a.network.ipv6)
                                + ", skipping the gateway and static addresses"),
                        Note.help("widen the subnet or ip-range of network '" + a.network.name + "'"));
                continue;
            }
            if (f == Family.IPV4) {
                a.ipv4 = v;
            } else {
                a.ipv6 = v;
            }
        }
    }

    private static String pool(dev.netpolc.ir.Subnet s) {
        return s.ipRange().equals(s.cidr()) ? "subnet " + s.cidr() : "ip-range " + s.ipRange();
    }

    private Container finish(CDraft c) {
        List<Attachment> attachments = new ArrayList<>();
        int index = 0;
        for (ADraft a : c.attachments) {
            Draft net = a.network;
            if (!net.driver.hasAddressing()) {
                attachments.add(new Attachment(net.name, null, null, null, null, null, a.span, false, false));
                continue;
            }
            String ifname = "eth" + index++;
            IpAddr v4 = a.ipv4 == null ? null : Addresses.ir(Family.IPV4, a.ipv4);
            IpAddr v6 = a.ipv6 == null ? null : Addresses.ir(Family.IPV6, a.ipv6);
            String mac = a.mac != null ? a.mac : derivedMac(c, net, v4);
            claimMac(net, mac, a.macSpan != null ? a.macSpan : a.span, c);
            String veth = net.driver == Driver.MACVLAN ? null : veth(c, net, a.span);
            attachments.add(new Attachment(net.name, ifname, veth, v4, v6, mac, a.span, a.staticIpv4, a.staticIpv6));
        }
        ADraft gateway = gatewayAttachment(c);
        List<PublishedPort> published = new ArrayList<>();
        for (Attr p : c.publishes) {
            published.addAll(publish(c, p, gateway, attachments));
        }
        return new Container(c.name, c.netns, attachments, gateway == null ? null : gateway.network.name, published,
                c.block.name().span(), c.node);
    }

    /** Docker's MAC for a container interface: 02:42 and the four bytes of its IPv4 address. */
    private static String derivedMac(CDraft c, Draft net, IpAddr v4) {
        if (v4 != null) {
            StringBuilder mac = new StringBuilder(17).append("02:42");
            String text = v4.text();
            int b = 0;
            for (int i = 0; i <= text.length(); i++) {
                if (i == text.length() || text.charAt(i) == '.') {
                    mac.append(':').append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 15, 16));
                    b = 0;
                } else {
                    b = b * 10 + (text.charAt(i) - '0');
                }
            }
            return mac.toString();
        }
        String h = Sha256.hex("mac\0" + c.name + "\0" + net.name, 8);
        return "02:42:" + h.substring(0, 2) + ":" + h.substring(2, 4) + ":" + h.substring(4, 6) + ":" + h.substring(6, 8);
    }

    private void claimMac(Draft net, String mac, SourceSpan span, CDraft c) {
        Map<String, SourceSpan> onNetwork = macs.get(net.name);
        if (onNetwork == null) {
            onNetwork = new HashMap<>();
            macs.put(net.name, onNetwork);
        }
        SourceSpan first = onNetwork.putIfAbsent(mac, span);
        if (first != null) {
            diags.report(DiagnosticCode.DUPLICATE_MAC, span, "MAC address " + mac + " of container '" + c.name
                    + "' is already used on network '" + net.name + "'", Note.note("first used at " + first),
                    Note.help("give the interface another 'mac'"));
        }
    }

    /**
     * The host end of a veth pair: "veth" and 7 hex digits of a hash of the container and network
     * names (Docker uses 7 random ones). A name already taken is hashed again with a counter, so
     * names stay deterministic and unique at any scale.
     */
    private String veth(CDraft c, Draft net, SourceSpan span) {
        for (int salt = 0; ; salt++) {
            String name = "veth" + Sha256.hex(c.name + "\0" + net.name + "\0" + salt, 7);
            if (interfaces.isFree(name)) {
                interfaces.claimGenerated(name, span, "the veth of container '", c.name, "' on network '", net.name, "'");
                return name;
            }
        }
    }

    /**
     * The attachment Docker would choose for the default route and published ports: among
     * networks that are not internal and have addresses, dual-stack ones first, then by name.
     */
    private static ADraft gatewayAttachment(CDraft c) {
        // A loop rather than a stream with a comparator: this runs once per container.
        ADraft best = null;
        for (ADraft a : c.attachments) {
            if (!a.network.driver.hasAddressing() || a.network.internal) {
                continue;
            }
            if (best == null || rank(a) < rank(best) || rank(a) == rank(best) && a.network.name.compareTo(best.network.name) < 0) {
                best = a;
            }
        }
        return best;
    }

    private static int rank(ADraft a) {
        return a.network.subnet4 != null && a.network.subnet6 != null ? 0 : 1;
    }

    private List<PublishedPort> publish(CDraft c, Attr p, ADraft gateway, List<Attachment> attachments) {
        PublishSpec spec = PublishSpec.parse(diags, p);
        if (spec == null) {
            return List.of();
        }
        if (gateway == null || gateway.network.driver != Driver.BRIDGE) {
            diags.report(DiagnosticCode.PUBLISH_IGNORED, p.keySpan(), ignoredReason(c, gateway),
                    Note.note("Docker ignores this publish too; no rule is generated for it"),
                    Note.help("attach the container to a bridge network that is not internal, or remove the publish"));
            return List.of();
        }
        Draft net = gateway.network;
        Attachment at = null;
        for (int i = 0; at == null; i++) {
            at = attachments.get(i).network().equals(net.name) ? attachments.get(i) : null;
        }
        List<PublishedPort> out = new ArrayList<>();
        List<Family> families = new ArrayList<>();
        Ip hostIp = spec.hostAddress();
        if (hostIp == null && net.hostBinding != null) {
            hostIp = net.hostBinding;
        }
        if (hostIp != null) {
            Family f = Addresses.family(hostIp);
            if ((f == Family.IPV4 ? at.ipv4() : at.ipv6()) == null) {
                diags.report(DiagnosticCode.FAMILY_MISMATCH, spec.hostAddressSpan() != null ? spec.hostAddressSpan() : p.keySpan(),
                        "host address " + Addresses.ir(hostIp) + " is " + (f == Family.IPV4 ? "IPv4" : "IPv6")
                                + ", but container '" + c.name + "' has no such address on network '" + net.name + "'",
                        Note.help("publish on an address of the family the network has"));
                return List.of();
            }
            families.add(f);
        } else {
            if (at.ipv4() != null) {
                families.add(Family.IPV4);
            }
            if (at.ipv6() != null) {
                families.add(Family.IPV6);
            }
        }
        for (Family f : families) {
            IpAddr bound = hostIp == null || hostIp.isZero() ? null : Addresses.ir(hostIp);
            IpAddr target = f == Family.IPV4 ? at.ipv4() : at.ipv6();
            for (int i = 0; i < spec.count(); i++) {
                int hostPort = spec.hostPort() + i;
                if (!claimPort(f, spec, bound, hostPort, p, c)) {
                    break;
                }
                out.add(new PublishedPort(spec.protocol(), bound, hostPort, target, spec.containerPort() + i, net.name,
                        p.keySpan()));
            }
        }
        return out;
    }

    private static String ignoredReason(CDraft c, ADraft gateway) {
        if (gateway != null) {
            return "published ports do not apply to the " + gateway.network.driver.keyword() + " network '"
                    + gateway.network.name + "': the container is reached at its own address";
        }
        ADraft any = c.attachments.isEmpty() ? null : c.attachments.get(0);
        if (any != null && any.network.driver == Driver.HOST) {
            return "published ports are discarded on the host network '" + any.network.name
                    + "': the container already uses the host's ports";
        }
        if (any != null && any.network.driver == Driver.NONE) {
            return "published ports are discarded on the none network '" + any.network.name + "'";
        }
        return "container '" + c.name + "' is only on internal networks, which publish no ports";
    }

    /** Records a host port; false (and reported) when it conflicts with an earlier publish. */
    private boolean claimPort(Family f, PublishSpec spec, IpAddr bound, int hostPort, Attr p, CDraft c) {
        String key = f + "/" + spec.protocol() + "/" + hostPort;
        List<Taken> taken = hostPorts.get(key);
        if (taken == null) {
            taken = new ArrayList<>();
            hostPorts.put(key, taken);
        }
        String all = "all " + (f == Family.IPV4 ? "IPv4" : "IPv6") + " addresses";
        for (Taken t : taken) {
            if (t.hostAddress() == null || bound == null || t.hostAddress().equals(bound)) {
                diags.report(DiagnosticCode.DUPLICATE_PUBLISH, p.values().get(0).span(),
                        "host port " + hostPort + "/" + spec.protocol().keyword() + " on " + (bound == null ? all : bound.text())
                                + " conflicts with container '" + t.container() + "', which publishes it on "
                                + (t.hostAddress() == null ? all : t.hostAddress().text()),
                        Note.note("first published at " + t.span()), Note.help("use another host port or host address"));
                return false;
            }
        }
        taken.add(new Taken(bound, p.values().get(0).span(), c.name));
        return true;
    }
}
