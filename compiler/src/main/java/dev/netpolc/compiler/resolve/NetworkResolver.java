package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.MacvlanOptions;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.OverlayOptions;
import dev.netpolc.ir.SourceSpan;
import dev.netpolc.ir.Subnet;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Resolves network declarations: driver, addressing, defaults, bridge names, driver options. */
final class NetworkResolver {

    /** The network Docker creates on every host, and its defaults. */
    static final String DEFAULT_BRIDGE_NETWORK = "bridge";
    static final String DEFAULT_BRIDGE_NAME = "docker0";
    static final String DEFAULT_BRIDGE_SUBNET = "172.17.0.0/16";
    private static final Set<String> MACVLAN_MODES = Set.of("bridge", "private", "vepa", "passthru");
    private static final int FIRST_DEFAULT_VNI = 4096;

    private final Diagnostics diags;
    private final InterfaceNames interfaces;
    private final Map<String, Draft> byName = new LinkedHashMap<>();
    private final List<Draft> drafts = new ArrayList<>();

    /** A network while it is being resolved. */
    static final class Draft {
        final Block block;
        final String name;
        Driver driver = Driver.BRIDGE;
        Ip subnet4;
        Ip subnet6;
        SourceSpan subnet4Span;
        SourceSpan subnet6Span;
        Ip range4;
        Ip range6;
        SourceSpan range4Span;
        SourceSpan range6Span;
        Ip gateway4;
        Ip gateway6;
        SourceSpan gateway4Span;
        SourceSpan gateway6Span;
        String bridgeName;
        Integer mtu;
        SourceSpan mtuSpan;
        boolean icc = true;
        Boolean masquerade;
        SourceSpan masqueradeSpan;
        boolean internal;
        SourceSpan internalSpan;
        Ip snatSource;
        SourceSpan snatSpan;
        Ip hostBinding;
        SourceSpan hostBindingSpan;
        String parent;
        String mode = "bridge";
        Integer vlan;
        Integer vni;
        SourceSpan vniSpan;
        String underlay;
        List<IpAddr> peers = List.of();
        Subnet ipv4;
        Subnet ipv6;
        final Map<Family, AddressPool> pools = new EnumMap<>(Family.class);
        Network resolved;
        boolean driverKnown = true;

        Draft(Block block) {
            this.block = block;
            this.name = block.name().text();
        }

        SourceSpan span() {
            return block.name().span();
        }
    }

    NetworkResolver(Diagnostics diags, InterfaceNames interfaces) {
        this.diags = diags;
        this.interfaces = interfaces;
    }

    /** The network draft by name, or null. */
    Draft draft(String name) {
        return byName.get(name);
    }

    Set<String> names() {
        return byName.keySet();
    }

    List<Network> resolve(List<Block> blocks) {
        for (Block b : blocks) {
            String name = b.name().text();
            var problem = Names.objectNameProblem(name);
            if (problem.isPresent()) {
                diags.report(DiagnosticCode.INVALID_NAME, b.name().span(), "invalid network name: " + problem.get(),
                        Note.help("start with a letter or digit and use only letters, digits, '.', '-' and '_'"));
                continue;
            }
            Draft d = new Draft(b);
            Draft first = byName.putIfAbsent(name, d);
            if (first != null) {
                diags.report(DiagnosticCode.DUPLICATE_NETWORK, b.name().span(), "network '" + name + "' is declared twice",
                        Note.note("first declared at " + first.span()), Note.help("rename or remove one of them"));
                continue;
            }
            drafts.add(d);
        }
        for (Draft d : drafts) {
            d.driverKnown = readDriver(d);
        }
        // Default bridge names are claimed before names the policy writes, so that a clash is
        // reported at the 'bridge-name' (or uplink) that was written, not at the default.
        for (Draft d : drafts) {
            boolean named = false;
            for (Attr a : d.block.attrs()) {
                named |= a.key().equals("bridge-name");
            }
            if (d.driverKnown && !named && (d.driver == Driver.BRIDGE || d.driver == Driver.OVERLAY)) {
                d.bridgeName = defaultBridgeName(d);
            }
        }
        for (Draft d : drafts) {
            if (d.driverKnown) {
                readAttributes(d);
            }
        }
        checkSingletons(drafts);
        applyAddressingDefaults(drafts);
        checkOverlaps(drafts, Family.IPV4);
        checkOverlaps(drafts, Family.IPV6);
        allocateDefaultSubnets(drafts);
        assignVnis(drafts);
        List<Network> out = new ArrayList<>();
        for (Draft d : drafts) {
            finish(d);
            if (d.resolved != null) {
                out.add(d.resolved);
            }
        }
        return out;
    }

    /**
     * Claims the name of each overlay network's VXLAN device on the host. Called after the bridge
     * names and uplinks the policy writes are claimed and before veth names are generated, so a
     * written name that clashes is reported at the network and veths keep clear of the device.
     */
    void claimVxlanDevices() {
        Set<Integer> seen = new java.util.HashSet<>();
        for (Draft d : drafts) {
            // A vxlan-id given twice is reported already; its device name would only clash again.
            if (d.driver != Driver.OVERLAY || d.vni == null || !d.driverKnown || !seen.add(d.vni)) {
                continue;
            }
            String device = OverlayOptions.deviceName(d.vni);
            if (!interfaces.isFree(device)) {
                diags.report(DiagnosticCode.DUPLICATE_INTERFACE_NAME, d.span(), "the VXLAN device name '" + device
                        + "' of network '" + d.name + "' is already used by another interface",
                        Note.help("give the other interface another name, or network '" + d.name + "' another vxlan-id"));
                continue;
            }
            interfaces.claimGenerated(device, d.span(), "the VXLAN device of network '", d.name, "'");
        }
    }

    /** With nodes, VXLAN tunnels run between node addresses: every overlay peer must be of their family. */
    void checkPeerFamilies(Family nodeFamily) {
        if (nodeFamily == null) {
            return;
        }
        for (Draft d : drafts) {
            if (d.driver != Driver.OVERLAY) {
                continue;
            }
            for (Attr a : d.block.attrs()) {
                if (!a.key().equals("peers")) {
                    continue;
                }
                for (Value p : a.values()) {
                    Addresses.Parsed parsed = Addresses.address(p.text());
                    if (parsed.ok() && Addresses.family(parsed.address()) != nodeFamily) {
                        String want = nodeFamily == Family.IPV4 ? "IPv4" : "IPv6";
                        diags.report(DiagnosticCode.FAMILY_MISMATCH, p.span(), "peer " + Addresses.ir(parsed.address())
                                + " of network '" + d.name + "' is not an " + want + " address like the node addresses",
                                Note.help("list the peers' " + want + " underlay addresses"));
                    }
                }
            }
        }
    }

    /** Reads the driver; false (and reported) when it is unknown, so nothing else is checked against it. */
    private boolean readDriver(Draft d) {
        boolean known = true;
        for (Attr a : d.block.attrs()) {
            if (a.key().equals("driver")) {
                Value v = a.value();
                Driver driver = null;
                for (Driver candidate : Driver.values()) {
                    if (candidate.keyword().equals(v.text())) {
                        driver = candidate;
                    }
                }
                if (driver == null) {
                    List<String> names = Arrays.stream(Driver.values()).map(Driver::keyword).toList();
                    List<Note> notes = new ArrayList<>();
                    Suggest.didYouMean(v.text(), names).ifPresent(notes::add);
                    notes.add(Note.help("drivers are: " + String.join(", ", names)));
                    diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.INVALID_VALUE, DiagnosticCode.INVALID_VALUE.defaultSeverity(),
                            v.span(), "unknown driver '" + Names.printable(v.text()) + "'", notes));
                    known = false;
                } else {
                    d.driver = driver;
                }
            }
        }
        return known;
    }

    private void readAttributes(Draft d) {
        for (Attr a : d.block.attrs()) {
            Set<Driver> drivers = AttributeTable.NETWORK.get(a.key());
            if (drivers == null || a.key().equals("driver")) {
                continue;
            }
            if (!drivers.contains(d.driver)) {
                diags.report(DiagnosticCode.ATTRIBUTE_NOT_FOR_DRIVER, a.keySpan(),
                        "'" + a.key() + "' does not apply to a " + d.driver.keyword() + " network",
                        Note.note("network '" + d.name + "' uses the " + d.driver.keyword() + " driver"),
                        Note.help("'" + a.key() + "' applies to: "
                                + String.join(", ", drivers.stream().map(Driver::keyword).toList())));
                continue;
            }
            readAttribute(d, a);
        }
    }

    private void readAttribute(Draft d, Attr a) {
        Value v = a.value();
        switch (a.key()) {
            case "subnet": {
                Ip c = cidr(v);
                if (c == null) {
                    return;
                }
                int maxPrefix = c.isIPv4() ? 30 : 126;
                if (Addresses.prefix(c) > maxPrefix) {
                    diags.report(DiagnosticCode.INVALID_CIDR, v.span(), "subnet " + v.text()
                            + " is too small: it needs room for a gateway and at least one container",
                            Note.help("use a prefix of /" + maxPrefix + " or shorter"));
                    return;
                }
                if (c.isIPv4()) {
                    if (duplicateFamily(d.subnet4Span, a, "IPv4 subnet")) {
                        return;
                    }
                    d.subnet4 = c;
                    d.subnet4Span = v.span();
                } else {
                    if (duplicateFamily(d.subnet6Span, a, "IPv6 subnet")) {
                        return;
                    }
                    d.subnet6 = c;
                    d.subnet6Span = v.span();
                }
                return;
            }
            case "ip-range": {
                Ip c = cidr(v);
                if (c == null) {
                    return;
                }
                if (c.isIPv4()) {
                    if (!duplicateFamily(d.range4Span, a, "IPv4 ip-range")) {
                        d.range4 = c;
                        d.range4Span = v.span();
                    }
                } else if (!duplicateFamily(d.range6Span, a, "IPv6 ip-range")) {
                    d.range6 = c;
                    d.range6Span = v.span();
                }
                return;
            }
            case "gateway": {
                Ip g = address(v);
                if (g == null) {
                    return;
                }
                if (g.isIPv4()) {
                    if (!duplicateFamily(d.gateway4Span, a, "IPv4 gateway")) {
                        d.gateway4 = g;
                        d.gateway4Span = v.span();
                    }
                } else if (!duplicateFamily(d.gateway6Span, a, "IPv6 gateway")) {
                    d.gateway6 = g;
                    d.gateway6Span = v.span();
                }
                return;
            }
            case "bridge-name":
                if (interfaces.claim(v.text(), v.textSpan(), "the bridge of network '" + d.name + "'")) {
                    d.bridgeName = v.text();
                }
                return;
            case "mtu":
                d.mtu = Values.integer(diags, v, "mtu", 68, 65535);
                d.mtuSpan = v.span();
                return;
            case "icc": {
                Boolean on = Values.toggle(diags, v);
                if (on != null) {
                    d.icc = on;
                }
                return;
            }
            case "masquerade":
                d.masquerade = Values.toggle(diags, v);
                d.masqueradeSpan = a.keySpan();
                return;
            case "internal": {
                Boolean on = v == null ? Boolean.TRUE : Values.toggle(diags, v);
                if (on != null) {
                    d.internal = on;
                    d.internalSpan = a.keySpan();
                }
                return;
            }
            case "snat-source":
                d.snatSource = address(v);
                d.snatSpan = v.span();
                if (d.snatSource != null && !d.snatSource.isIPv4()) {
                    diags.report(DiagnosticCode.FAMILY_MISMATCH, v.span(), "snat-source must be an IPv4 address",
                            Note.help("IPv6 traffic of the network is masqueraded as usual"));
                    d.snatSource = null;
                }
                return;
            case "host-binding":
                d.hostBinding = address(v);
                d.hostBindingSpan = v.span();
                if (d.hostBinding != null && !d.hostBinding.isIPv4()) {
                    diags.report(DiagnosticCode.FAMILY_MISMATCH, v.span(), "host-binding must be an IPv4 address",
                            Note.help("bind a single port to an IPv6 address in its publish: publish [::1]:8080 -> 80"));
                    d.hostBinding = null;
                }
                return;
            case "parent":
                if (validInterface(v)) {
                    d.parent = v.text();
                }
                return;
            case "mode":
                if (MACVLAN_MODES.contains(v.text())) {
                    d.mode = v.text();
                } else {
                    List<Note> notes = new ArrayList<>();
                    Suggest.didYouMean(v.text(), List.of("bridge", "private", "vepa", "passthru")).ifPresent(notes::add);
                    notes.add(Note.help("macvlan modes are: bridge, private, vepa, passthru"));
                    diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.INVALID_VALUE,
                            DiagnosticCode.INVALID_VALUE.defaultSeverity(), v.span(),
                            "unknown macvlan mode '" + Names.printable(v.text()) + "'", notes));
                }
                return;
            case "vlan":
                d.vlan = Values.integer(diags, v, "vlan", 1, 4094);
                return;
            case "vxlan-id":
                d.vni = Values.integer(diags, v, "vxlan-id", 1, 16_777_215);
                d.vniSpan = v.span();
                return;
            case "underlay":
                if (validInterface(v)) {
                    d.underlay = v.text();
                }
                return;
            case "peers": {
                List<IpAddr> peers = new ArrayList<>();
                for (Value p : a.values()) {
                    Ip addr = address(p);
                    if (addr != null) {
                        peers.add(Addresses.ir(addr));
                    }
                }
                d.peers = peers;
                return;
            }
            default:
                throw new IllegalStateException("unhandled network attribute " + a.key());
        }
    }

    private boolean duplicateFamily(SourceSpan first, Attr a, String what) {
        if (first == null) {
            return false;
        }
        diags.report(DiagnosticCode.DUPLICATE_ATTRIBUTE, a.value().span(), "a second " + what + " for one network",
                Note.note("first given at " + first),
                Note.help("a network has at most one IPv4 and one IPv6 " + a.key()));
        return true;
    }

    private boolean validInterface(Value v) {
        var problem = Names.interfaceNameProblem(v.text());
        if (problem.isPresent()) {
            diags.report(DiagnosticCode.INVALID_INTERFACE_NAME, v.textSpan(), problem.get(),
                    Note.help("use at most 15 ASCII letters, digits, '.', '-' or '_'"));
            return false;
        }
        return true;
    }

    private Ip cidr(Value v) {
        Addresses.Parsed p = Addresses.cidr(v.text());
        if (!p.ok()) {
            diags.report(DiagnosticCode.INVALID_CIDR, v.span(), "invalid subnet '" + Names.printable(v.text()) + "': " + p.error(),
                    Note.help("write a subnet as ADDRESS/PREFIX, such as 192.168.10.0/24 or fd00:10::/64"));
            return null;
        }
        Ip c = p.address();
        if (p.hostBits()) {
            diags.report(DiagnosticCode.CIDR_HOST_BITS, v.span(), v.text() + " has host bits set",
                    Note.help("did you mean " + Addresses.networkOf(c) + "?"));
            return null;
        }
        return c;
    }

    Ip address(Value v) {
        Addresses.Parsed p = Addresses.address(v.text());
        if (!p.ok()) {
            diags.report(DiagnosticCode.INVALID_ADDRESS, v.span(), "invalid address: " + p.error(),
                    Note.help("write an address such as 192.168.10.1 or fd00:10::1"));
            return null;
        }
        return p.address();
    }

    /** At most one network of driver host and one of driver none, as in Docker. */
    private void checkSingletons(List<Draft> drafts) {
        Map<Driver, Draft> seen = new EnumMap<>(Driver.class);
        for (Draft d : drafts) {
            if (d.driver == Driver.HOST || d.driver == Driver.NONE) {
                Draft first = seen.putIfAbsent(d.driver, d);
                if (first != null) {
                    diags.report(DiagnosticCode.DUPLICATE_NETWORK, d.span(),
                            "a second network with driver " + d.driver.keyword() + " ('" + d.name + "')",
                            Note.note("network '" + first.name + "' at " + first.span() + " already uses it"),
                            Note.help("a host has one " + d.driver.keyword() + " network; attach containers to '"
                                    + first.name + "'"));
                }
            }
        }
    }

    /** Docker's defaults for the network named 'bridge', and the checks that need the subnet. */
    private void applyAddressingDefaults(List<Draft> drafts) {
        for (Draft d : drafts) {
            if (!d.driver.hasAddressing()) {
                continue;
            }
            if (d.driver == Driver.BRIDGE && d.name.equals(DEFAULT_BRIDGE_NETWORK) && d.subnet4 == null
                    && d.range4 == null && d.gateway4 == null) {
                d.subnet4 = Addresses.cidr(DEFAULT_BRIDGE_SUBNET).address();
                d.subnet4Span = d.span();
            }
            if (d.subnet4 == null) {
                requireSubnet(d, d.range4Span, "ip-range", Family.IPV4);
                requireSubnet(d, d.gateway4Span, "gateway", Family.IPV4);
            }
            if (d.subnet6 == null) {
                requireSubnet(d, d.range6Span, "ip-range", Family.IPV6);
                requireSubnet(d, d.gateway6Span, "gateway", Family.IPV6);
            }
        }
    }

    private void requireSubnet(Draft d, SourceSpan span, String what, Family family) {
        if (span != null) {
            String fam = family == Family.IPV4 ? "IPv4" : "IPv6";
            diags.report(DiagnosticCode.MISSING_ATTRIBUTE, span, "an " + fam + " " + what + " needs an " + fam + " subnet",
                    Note.help("add 'subnet' with the " + fam + " subnet that contains it"));
        }
    }

    /** Reports subnets that overlap, in O(n log n): sort by first address, keep the widest reach. */
    private void checkOverlaps(List<Draft> drafts, Family family) {
        // Ordered by a method of its own rather than a Comparator built from lambdas: linking
        // those at run time cost a compile of 100 networks about 10 ms.
        record Interval(BigInteger first, BigInteger last, Draft owner, int order) implements Comparable<Interval> {
            @Override
            public int compareTo(Interval o) {
                int c = first.compareTo(o.first);
                return c != 0 ? c : Integer.compare(order, o.order);
            }
        }
        List<Interval> intervals = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Draft d = drafts.get(i);
            Ip s = family == Family.IPV4 ? d.subnet4 : d.subnet6;
            if (s != null && d.driver.hasAddressing()) {
                intervals.add(new Interval(Addresses.first(s), Addresses.last(s), d, i));
            }
        }
        intervals.sort(null);
        Interval reach = null;
        for (Interval cur : intervals) {
            if (reach != null && cur.first().compareTo(reach.last()) <= 0) {
                Interval later = cur.order() > reach.order() ? cur : reach;
                Interval earlier = later == cur ? reach : cur;
                diags.report(DiagnosticCode.SUBNET_OVERLAP, subnetSpan(later.owner(), family),
                        "subnet " + cidrText(later.owner(), family) + " of network '" + later.owner().name
                                + "' overlaps subnet " + cidrText(earlier.owner(), family) + " of network '"
                                + earlier.owner().name + "'",
                        Note.note("'" + earlier.owner().name + "' is declared at " + earlier.owner().span()),
                        Note.help("give each network a subnet of its own"));
            }
            if (reach == null || cur.last().compareTo(reach.last()) > 0) {
                reach = cur;
            }
        }
    }

    private static SourceSpan subnetSpan(Draft d, Family f) {
        return f == Family.IPV4 ? d.subnet4Span : d.subnet6Span;
    }

    private static String cidrText(Draft d, Family f) {
        Ip s = f == Family.IPV4 ? d.subnet4 : d.subnet6;
        return Addresses.irCidr(s).toString();
    }

    /** Networks without an IPv4 subnet get the first free one from Docker's default pools. */
    private void allocateDefaultSubnets(List<Draft> drafts) {
        DefaultPools pools = new DefaultPools();
        for (Draft d : drafts) {
            if (d.subnet4 != null && d.driver.hasAddressing()) {
                pools.take(Addresses.first(d.subnet4), Addresses.last(d.subnet4));
            }
        }
        for (Draft d : drafts) {
            // An ip-range or gateway without its subnet is already an error; a default subnet
            // would only add a second, misleading one.
            if (d.subnet4 != null || !d.driver.hasAddressing() || d.range4 != null || d.gateway4 != null) {
                continue;
            }
            String cidr = d.driver == Driver.OVERLAY ? pools.nextGlobal() : pools.nextLocal();
            if (cidr == null) {
                diags.report(DiagnosticCode.NO_DEFAULT_SUBNET, d.span(),
                        "no default subnet left for network '" + d.name + "'",
                        Note.note(d.driver == Driver.OVERLAY ? "overlay networks share 10.0.0.0/8 in /24 steps"
                                : "Docker's default pools are 172.17.0.0/16 to 172.31.0.0/16 and 192.168.0.0/16 in /20 steps"),
                        Note.help("give the network a subnet"));
                continue;
            }
            d.subnet4 = Addresses.cidr(cidr).address();
            d.subnet4Span = d.span();
        }
    }

    /** Overlay networks without a vxlan-id get the next free one from 4096 up; ids must be unique. */
    private void assignVnis(List<Draft> drafts) {
        Map<Integer, Draft> used = new HashMap<>();
        for (Draft d : drafts) {
            if (d.driver == Driver.OVERLAY && d.vni != null) {
                Draft first = used.putIfAbsent(d.vni, d);
                if (first != null) {
                    diags.report(DiagnosticCode.INVALID_VALUE, d.vniSpan, "vxlan-id " + d.vni + " is already used by network '"
                            + first.name + "'", Note.note("first given at " + first.vniSpan),
                            Note.help("give each overlay network its own vxlan-id"));
                }
            }
        }
        int next = FIRST_DEFAULT_VNI;
        for (Draft d : drafts) {
            if (d.driver == Driver.OVERLAY && d.vni == null) {
                while (used.containsKey(next)) {
                    next++;
                }
                d.vni = next;
                used.put(next, d);
            }
        }
    }

    private void finish(Draft d) {
        if (d.driver.hasAddressing()) {
            if (d.subnet4 != null) {
                d.ipv4 = subnet(d, Family.IPV4, d.subnet4, d.subnet4Span, d.range4, d.range4Span, d.gateway4, d.gateway4Span);
            }
            if (d.subnet6 != null) {
                d.ipv6 = subnet(d, Family.IPV6, d.subnet6, d.subnet6Span, d.range6, d.range6Span, d.gateway6, d.gateway6Span);
            }
            if (d.mtu != null && d.subnet6 != null && d.mtu < 1280) {
                diags.report(DiagnosticCode.INVALID_VALUE, d.mtuSpan, "mtu " + d.mtu + " is below 1280, the minimum for IPv6",
                        Note.help("raise the mtu to 1280 or more, or remove the IPv6 subnet"));
            }
        }
        checkConflicts(d);
        String bridgeName = d.driver == Driver.BRIDGE || d.driver == Driver.OVERLAY ? d.bridgeName : null;
        MacvlanOptions macvlan = null;
        if (d.driver == Driver.MACVLAN) {
            if (d.parent == null) {
                if (!d.block.incomplete()) {
                    diags.report(DiagnosticCode.MISSING_ATTRIBUTE, d.span(), "macvlan network '" + d.name
                            + "' has no parent interface", Note.help("add 'parent eth0' with the host interface the network hangs off"));
                }
            } else {
                macvlan = new MacvlanOptions(d.parent, d.mode, d.vlan);
                if (d.vlan != null) {
                    Names.interfaceNameProblem(macvlan.effectiveParent()).ifPresent(p -> diags.report(
                            DiagnosticCode.INVALID_INTERFACE_NAME, d.span(), "the VLAN interface " + p.substring(p.indexOf('\'')),
                            Note.help("use a shorter parent name or VLAN id")));
                }
            }
        } else if (d.vlan != null) {
            throw new IllegalStateException("vlan outside macvlan");
        }
        OverlayOptions overlay = d.driver == Driver.OVERLAY ? new OverlayOptions(d.vni, d.underlay, d.peers) : null;
        if (diags.hasErrors()) {
            return;
        }
        boolean masquerade = d.masquerade == null || d.masquerade;
        if (d.driver != Driver.BRIDGE || d.internal) {
            masquerade = false;
        }
        d.resolved = new Network(d.name, d.driver, bridgeName, d.ipv4, d.ipv6, d.mtu, d.icc, masquerade,
                d.snatSource == null ? null : Addresses.ir(d.snatSource), d.internal,
                d.hostBinding == null ? null : Addresses.ir(d.hostBinding), macvlan, overlay, d.span());
    }

    private void checkConflicts(Draft d) {
        if (d.internal && Boolean.TRUE.equals(d.masquerade)) {
            diags.report(DiagnosticCode.CONFLICTING_ATTRIBUTES, d.masqueradeSpan,
                    "an internal network has no outside traffic to masquerade",
                    Note.note("'internal' is set at " + d.internalSpan), Note.help("remove 'masquerade on'"));
        }
        if (d.snatSource != null) {
            if (d.internal) {
                diags.report(DiagnosticCode.CONFLICTING_ATTRIBUTES, d.snatSpan,
                        "an internal network has no outside traffic to give a source address",
                        Note.note("'internal' is set at " + d.internalSpan), Note.help("remove 'snat-source'"));
            } else if (Boolean.FALSE.equals(d.masquerade)) {
                diags.report(DiagnosticCode.CONFLICTING_ATTRIBUTES, d.snatSpan,
                        "snat-source replaces masquerade, but masquerade is off",
                        Note.note("'masquerade off' is set at " + d.masqueradeSpan),
                        Note.help("remove 'masquerade off' to translate to " + Addresses.ir(d.snatSource)
                                + ", or remove 'snat-source' to keep container addresses"));
            }
        }
        if (d.hostBinding != null && d.internal) {
            diags.report(DiagnosticCode.CONFLICTING_ATTRIBUTES, d.hostBindingSpan,
                    "an internal network publishes no ports, so a host-binding has no effect",
                    Note.note("'internal' is set at " + d.internalSpan), Note.help("remove 'host-binding'"));
        }
    }

    private Subnet subnet(Draft d, Family family, Ip cidr, SourceSpan cidrSpan, Ip range,
            SourceSpan rangeSpan, Ip gateway, SourceSpan gatewaySpan) {
        BigInteger first = Addresses.first(cidr);
        BigInteger last = Addresses.last(cidr);
        BigInteger rangeFirst = first;
        BigInteger rangeLast = last;
        if (range != null) {
            rangeFirst = Addresses.first(range);
            rangeLast = Addresses.last(range);
            if (rangeFirst.compareTo(first) < 0 || rangeLast.compareTo(last) > 0) {
                diags.report(DiagnosticCode.RANGE_OUTSIDE_SUBNET, rangeSpan, "ip-range " + Addresses.irCidr(range)
                        + " is not inside subnet " + Addresses.irCidr(cidr),
                        Note.help("use a range inside " + Addresses.irCidr(cidr) + ", or widen the subnet"));
                return null;
            }
        }
        BigInteger gw = first.add(BigInteger.ONE);
        if (gateway != null) {
            gw = Addresses.value(gateway);
            boolean outside = gw.compareTo(first) < 0 || gw.compareTo(last) > 0;
            boolean edge = gw.equals(first) || (family == Family.IPV4 && gw.equals(last));
            if (outside || edge) {
                diags.report(DiagnosticCode.GATEWAY_OUTSIDE_SUBNET, gatewaySpan, "gateway " + Addresses.ir(gateway)
                        + (outside ? " is not inside subnet " : " is not a host address of subnet ") + Addresses.irCidr(cidr),
                        Note.help("use a host address of " + Addresses.irCidr(cidr) + ", such as "
                                + Addresses.ir(family, first.add(BigInteger.ONE))));
                return null;
            }
        }
        d.pools.put(family, new AddressPool(family, first, last, rangeFirst, rangeLast, gw));
        return new Subnet(Addresses.irCidr(cidr), Addresses.irCidr(range != null ? range : cidr),
                Addresses.ir(family, gw), cidrSpan);
    }

    private String defaultBridgeName(Draft d) {
        String name = d.name.equals(DEFAULT_BRIDGE_NETWORK) && d.driver == Driver.BRIDGE ? DEFAULT_BRIDGE_NAME
                : "br-" + Sha256.hex(d.name, 12);
        if (!interfaces.isFree(name)) {
            diags.report(DiagnosticCode.DUPLICATE_INTERFACE_NAME, d.span(),
                    "the default bridge name '" + name + "' of network '" + d.name + "' is already used",
                    Note.help("give network '" + d.name + "' a 'bridge-name'"));
            return name;
        }
        interfaces.claimGenerated(name, d.span(), "the bridge of network '", d.name, "'");
        return name;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
