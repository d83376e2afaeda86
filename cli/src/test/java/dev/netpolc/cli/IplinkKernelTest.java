package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.MacvlanOptions;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.Subnet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the iplink scripts on a real kernel, inside a throw-away "host" network namespace per test
 * (the root namespace's links and firewall are never touched), with a unique
 * NETPOLC_NETNS_PREFIX so the container namespaces are the test's own. For each policy and each
 * setup form: the links, MACs, MTUs, addresses, default routes, VXLAN and macvlan devices are the
 * ones the IR describes; a second run (of either form) changes nothing in any namespace; the
 * teardown leaves the host as it was and removes every namespace the setup created. Every
 * namespace a test creates is deleted, also when it fails.
 */
@Tag("kernel")
class IplinkKernelTest {

    /** The policies the scripts are run for (all of them need nothing but what the test creates). */
    private static final List<String> POLICIES = List.of("docker/i-containers", "features/two-networks",
            "features/dual-stack", "features/custom-bridge-gateway", "features/userland-proxy-off",
            "features/ipv6-mix", "features/static-addresses", "features/other-drivers", "features/macvlan-vlan",
            "features/overlay-two-hosts", "examples/web-app");

    private static void requireKernel() {
        Kernel.require("ip", "bridge", "nsenter", "sh");
    }

    @TestFactory
    List<DynamicTest> setupBuildsWhatTheIrSaysIsIdempotentAndTearsDownCleanly() throws IOException {
        requireKernel();
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : POLICIES) {
            Path policy = Repo.policies().resolve(name + ".net");
            Policy ir = compile(policy);
            List<String> nodes = ir.nodes().isEmpty() ? java.util.Collections.singletonList(null)
                    : ir.nodes().stream().map(Node::name).toList();
            for (String node : nodes) {
                for (String setup : List.of("iplink", "iplink-batch")) {
                    String other = setup.equals("iplink") ? "iplink-batch" : "iplink";
                    tests.add(DynamicTest.dynamicTest(name + (node == null ? "" : " --node " + node) + " " + setup,
                            () -> roundTrip(policy, ir, node, setup, other)));
                }
            }
        }
        return tests;
    }

    private static void roundTrip(Path policy, Policy ir, String node, String setup, String other) {
        String script = compileTo(policy, setup, node);
        String again = compileTo(policy, other, node);
        String teardown = compileTo(policy, "iplink-teardown", node);
        try (Kernel.Netns host = new Kernel.Netns()) {
            if (script.contains("modprobe br_netfilter") && !sysctlExists(host.name, "net/bridge")) {
                // The script would load a kernel module, which a test must not do.
                System.err.println("*** SKIPPED: " + policy.getFileName() + " needs br_netfilter, which is not loaded ***");
                Assumptions.abort("br_netfilter is not loaded");
            }
            Set<String> standIns = createHostInterfaces(host, ir, node);
            String before = dump(host);
            assertEquals(List.of(), host.children());

            run(host, script, setup);
            checkAgainstIr(host, ir, node, standIns);
            String first = dump(host);

            run(host, script, setup + " (again)");
            assertEquals(first, dump(host), setup + " run a second time changed something");
            run(host, again, other + " after " + setup);
            assertEquals(first, dump(host), other + " after " + setup + " changed something");

            run(host, teardown, "iplink-teardown");
            assertEquals(List.of(), host.children(), "the teardown must delete every namespace the setup created");
            assertEquals(before, dump(host), "after the teardown the host must be as it was before the setup");
            run(host, teardown, "iplink-teardown (again)");
        }
    }

    /** A link the setup found in place (a VLAN interface) is used, kept, and gets no mark. */
    @Test
    void aVlanInterfaceThatExistedBeforeIsUsedAndKept() {
        requireKernel();
        Path policy = Repo.policies().resolve("features/macvlan-vlan.net");
        try (Kernel.Netns host = new Kernel.Netns()) {
            for (String link : List.of("eth0", "eth0.10", "eth0.20")) {
                standIn(host, link);
            }
            String before = dump(host);
            run(host, compileTo(policy, "iplink", null), "iplink");
            String printer = ipIn(host.prefix() + "printer", "-d", "-o", "link", "show", "dev", "eth0");
            assertTrue(printer.contains("macvlan mode bridge"), printer);
            assertTrue(printer.contains("alias netpolc:macvlan:printer:lan10"), printer);
            assertFalse(ipIn(host.name, "-o", "link", "show", "dev", "eth0.10").contains("alias"),
                    "a VLAN interface that existed must not be marked as netpolc's");
            Kernel.Result down = host.script(compileTo(policy, "iplink-teardown", null));
            assertEquals(0, down.exitCode(), down.err());
            assertTrue(down.err().contains("keeping link eth0.10: netpolc did not create it"), down.err());
            assertEquals(before, dump(host), "eth0.10 and eth0.20 must still be there, and nothing else");
            assertEquals(List.of(), host.children());
        }
    }

    /** Where the kernel has 802.1Q, a missing VLAN interface is created, marked, and removed again. */
    @Test
    void aMissingVlanInterfaceIsCreatedAndRemovedAgain() {
        requireKernel();
        try (Kernel.Netns probe = new Kernel.Netns()) {
            standIn(probe, "eth0");
            if (Kernel.run(null, List.of(Kernel.ip(), "-n", probe.name, "link", "add", "link", "eth0", "name", "eth0.9",
                    "type", "vlan", "id", "9")).exitCode() != 0) {
                System.err.println("*** SKIPPED: this kernel cannot create 802.1Q VLAN interfaces (no 8021q); "
                        + "aVlanInterfaceThatExistedBeforeIsUsedAndKept still covers the macvlan side ***");
                Assumptions.abort("no 8021q in this kernel");
            }
        }
        Path policy = Repo.policies().resolve("features/macvlan-vlan.net");
        try (Kernel.Netns host = new Kernel.Netns()) {
            standIn(host, "eth0");
            String before = dump(host);
            run(host, compileTo(policy, "iplink", null), "iplink");
            String vlan = ipIn(host.name, "-d", "-o", "link", "show", "dev", "eth0.10");
            assertTrue(vlan.contains("vlan protocol 802.1Q id 10"), vlan);
            assertTrue(vlan.contains("alias netpolc:vlan:eth0.10"), vlan);
            run(host, compileTo(policy, "iplink-teardown", null), "iplink-teardown");
            assertEquals(before, dump(host));
        }
    }

    /** A link of the same name that netpolc did not create stops the setup and survives the teardown. */
    @Test
    void aForeignLinkWithTheNameOfABridgeIsNeverAdoptedNorDeleted() {
        requireKernel();
        Path policy = Repo.policies().resolve("docker/a-default-bridge.net");
        for (String setup : List.of("iplink", "iplink-batch")) {
            try (Kernel.Netns host = new Kernel.Netns()) {
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "-n", host.name, "link", "add", "docker0", "type",
                        "bridge")).exitCode());
                String before = dump(host);
                Kernel.Result r = host.script(compileTo(policy, setup, null));
                assertEquals(1, r.exitCode(), setup + " must stop: " + r.out() + r.err());
                assertTrue(r.err().contains("link docker0 exists but netpolc did not create it"), r.err());
                if (setup.equals("iplink-batch")) {
                    assertEquals(before, dump(host), "the batch form checks every name before it changes anything");
                }
                Kernel.Result down = host.script(compileTo(policy, "iplink-teardown", null));
                assertEquals(0, down.exitCode(), down.err());
                assertTrue(down.err().contains("keeping link docker0"), down.err());
                assertTrue(ipIn(host.name, "-o", "link", "show", "dev", "docker0").contains("docker0"),
                        "the teardown must not delete a link it did not create");
            }
        }
    }

    /** A container namespace that existed before the setup is used, and kept by the teardown. */
    @Test
    void aNamespaceThatExistedBeforeIsUsedAndKept() {
        requireKernel();
        Path policy = Repo.policies().resolve("features/custom-bridge-gateway.net");
        for (String setup : List.of("iplink", "iplink-batch")) {
            try (Kernel.Netns host = new Kernel.Netns()) {
                String one = host.prefix() + "one";
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "add", one)).exitCode());
                run(host, compileTo(policy, setup, null), setup);
                assertTrue(ipIn(one, "-o", "addr", "show", "dev", "eth0").contains("inet 172.30.0.128/24"));
                assertFalse(ipIn(one, "-o", "link", "show", "dev", "lo").contains("alias"),
                        "a namespace that existed must not be marked as netpolc's");
                run(host, compileTo(policy, setup, null), setup + " (again)");
                run(host, compileTo(policy, "iplink-teardown", null), "iplink-teardown");
                assertEquals(List.of(one), host.children(), "only the namespace that existed before may remain");
                assertFalse(ipIn(one, "-o", "link", "show").contains("eth0"), "its veth went with the teardown");
            }
        }
    }

    /**
     * Run by apply, with an owner (NETPOLC_OWNER), the setup puts it in every mark, the teardown
     * deletes only what carries it, and a namespace it did not create stops the setup untouched.
     */
    @Test
    void withAnOwnerTheMarksCarryItAndANamespaceNotMadeByItStopsTheSetup() {
        requireKernel();
        Path policy = Repo.policies().resolve("features/custom-bridge-gateway.net");
        String owner = "NETPOLC_OWNER=0123456789abcdef\n";
        String teardown = compileTo(policy, "iplink-teardown", null);
        for (String setup : List.of("iplink", "iplink-batch")) {
            String script = compileTo(policy, setup, null);
            try (Kernel.Netns host = new Kernel.Netns()) {
                String one = host.prefix() + "one";
                run(host, owner + script, setup);
                assertTrue(ipIn(one, "-o", "link", "show", "dev", "lo").contains("alias netpolc:netns:one@0123456789abcdef"),
                        setup + ": the namespace's mark must carry the owner");
                assertTrue(Kernel.run(null, List.of(Kernel.ip(), "netns", "exec", host.name, Kernel.ip(), "-o", "link",
                        "show", "dev", "br-apps")).out().contains("alias netpolc:bridge:apps@0123456789abcdef"));
                run(host, owner + script, setup + " (again)");
                Kernel.Result other = host.script(teardown);
                assertEquals(0, other.exitCode(), other.err());
                assertTrue(other.err().contains("keeping network namespace " + one), other.err());
                assertEquals(List.of(host.prefix() + "one", host.prefix() + "two"), host.children(),
                        "a teardown without the owner must keep what carries it");
                run(host, owner + teardown, "iplink-teardown with the owner");
                assertEquals(List.of(), host.children());

                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "add", one)).exitCode());
                Kernel.Result r = host.script(owner + script);
                assertEquals(1, r.exitCode(), setup + ": " + r.out() + r.err());
                assertTrue(r.err().contains("network namespace " + one + " exists but this apply did not create it"),
                        r.err());
                assertFalse(ipIn(one, "-o", "link", "show", "dev", "lo").contains("alias"),
                        "a namespace the setup did not create must not be marked");
                assertFalse(ipIn(one, "-o", "link", "show").contains("eth0"), "nor get links");
            }
        }
    }

    /** A link in a namespace that existed, with the name a new veth end needs, stops the setup. */
    @Test
    void aForeignLinkInAContainerNamespaceStopsTheSetup() {
        requireKernel();
        Path policy = Repo.policies().resolve("features/custom-bridge-gateway.net");
        for (String setup : List.of("iplink", "iplink-batch")) {
            try (Kernel.Netns host = new Kernel.Netns()) {
                String one = host.prefix() + "one";
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "add", one)).exitCode());
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "-n", one, "link", "add", "eth0", "type", "veth",
                        "peer", "name", "other")).exitCode());
                Kernel.Result r = host.script(compileTo(policy, setup, null));
                assertEquals(1, r.exitCode(), setup + ": " + r.out() + r.err());
                assertTrue(r.err().contains("link eth0 in network namespace " + one
                        + " exists but netpolc did not create it"), r.err());
                assertTrue(ipIn(one, "-o", "link", "show", "dev", "eth0").contains("eth0@other"),
                        "the foreign eth0 must be left as it was");
            }
        }
    }

    /** Two nodes joined by an underlay: containers on the overlay reach each other across hosts. */
    @Test
    void anOverlayAcrossTwoNodesCarriesTraffic() {
        requireKernel();
        Kernel.require("ping");
        Path policy = Repo.policies().resolve("features/overlay-two-hosts.net");
        Policy ir = compile(policy);
        try (Kernel.Netns node1 = new Kernel.Netns(); Kernel.Netns node2 = new Kernel.Netns()) {
            Kernel.Result wire = Kernel.run(null, List.of(Kernel.ip(), "link", "add", "eth1", "netns", node1.name, "type",
                    "veth", "peer", "name", "eth1", "netns", node2.name));
            assertEquals(0, wire.exitCode(), wire.err());
            for (Kernel.Netns n : List.of(node1, node2)) {
                String address = ir.node(n == node1 ? "node1" : "node2").orElseThrow().address().text();
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "-n", n.name, "addr", "add", address + "/24", "dev",
                        "eth1")).exitCode());
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "-n", n.name, "link", "set", "eth1", "up"))
                        .exitCode());
            }
            run(node1, compileTo(policy, "iplink", "node1"), "iplink --node node1");
            run(node2, compileTo(policy, "iplink-batch", "node2"), "iplink-batch --node node2");
            String db = meshAddress(ir, "db");
            String web = meshAddress(ir, "web");
            ping(node1.prefix() + "web", db);
            ping(node2.prefix() + "db", web);
            run(node1, compileTo(policy, "iplink-teardown", "node1"), "iplink-teardown --node node1");
            run(node2, compileTo(policy, "iplink-teardown", "node2"), "iplink-teardown --node node2");
            assertEquals(List.of(), node1.children());
            assertEquals(List.of(), node2.children());
        }
    }

    private static String meshAddress(Policy ir, String container) {
        return ir.container(container).orElseThrow().attachments().stream().filter(a -> a.network().equals("mesh"))
                .findFirst().orElseThrow().ipv4().text();
    }

    private static void ping(String namespace, String address) {
        Kernel.Result r = Kernel.run(null, List.of(Kernel.ip(), "netns", "exec", namespace, "ping", "-c", "1", "-W", "5",
                address));
        assertEquals(0, r.exitCode(), () -> namespace + " cannot reach " + address + " over the overlay:\n" + r.out()
                + r.err());
    }

    // ---- checks against the IR ----

    private static void checkAgainstIr(Kernel.Netns host, Policy ir, String node, Set<String> standIns) {
        String h = host.name;
        Map<String, Network> networks = ir.networksByName();
        boolean routes = ir.networks().stream().anyMatch(n -> n.driver() == Driver.BRIDGE || n.driver() == Driver.OVERLAY);
        assertEquals(routes ? "1" : "0", sysctl(h, "net/ipv4/ip_forward").strip(),
                "net.ipv4.ip_forward: on when the host routes for a bridge, untouched (0 in a new namespace) otherwise");
        for (Network n : ir.networks()) {
            if (n.driver() == Driver.BRIDGE || n.driver() == Driver.OVERLAY) {
                String link = ipIn(h, "-d", "-o", "link", "show", "dev", n.bridgeName());
                assertTrue(link.contains(" bridge "), link);
                assertTrue(link.contains(",UP"), n.bridgeName() + " must be up: " + link);
                assertTrue(link.contains("alias netpolc:bridge:" + n.name()), link);
                Integer mtu = n.mtu() != null ? n.mtu() : n.driver() == Driver.OVERLAY ? Integer.valueOf(1450) : null;
                if (mtu != null) {
                    assertTrue(link.contains(" mtu " + mtu + " "), link);
                }
                String addr = ipIn(h, "-o", "addr", "show", "dev", n.bridgeName());
                assertHas(addr, "inet " + cidr(n.ipv4().gateway().text(), n.ipv4()));
                if (n.ipv6() != null) {
                    assertHas(addr, "inet6 " + cidr(n.ipv6().gateway().text(), n.ipv6()));
                    assertEquals("1", sysctl(h, "net/ipv6/conf/all/forwarding").strip());
                }
                if (n.isBridge() && !ir.settings().userlandProxy()) {
                    assertEquals("1", sysctl(h, "net/ipv4/conf/" + n.bridgeName() + "/route_localnet").strip());
                }
            }
            if (n.driver() == Driver.OVERLAY) {
                String vx = ipIn(h, "-d", "-o", "link", "show", "dev", n.overlay().vxlanDevice());
                assertHas(vx, "vxlan id " + n.overlay().vxlanId() + " ");
                assertHas(vx, "dstport 4789");
                assertHas(vx, "nolearning");
                assertHas(vx, "master " + n.bridgeName() + " ");
                Node self = node == null ? null : ir.node(node).orElseThrow();
                if (self != null) {
                    assertHas(vx, "local " + self.address().text() + " ");
                }
                String fdb = Kernel.run(null, List.of(Kernel.which("bridge").toString(), "-n", h, "fdb", "show", "dev",
                        n.overlay().vxlanDevice())).out();
                Set<String> peers = new LinkedHashSet<>();
                ir.nodes().stream().filter(o -> self != null && !o.name().equals(self.name()))
                        .forEach(o -> peers.add(o.address().text()));
                n.overlay().peers().forEach(p -> peers.add(p.text()));
                for (String peer : peers) {
                    assertHas(fdb, "00:00:00:00:00:00 dst " + peer + " self permanent");
                }
                assertEquals(peers.size(), fdb.lines().filter(l -> l.startsWith("00:00:00:00:00:00 dst ")).count(), fdb);
            }
            if (n.driver() == Driver.MACVLAN && n.macvlan().vlan() != null) {
                String vlan = n.macvlan().effectiveParent();
                String link = ipIn(h, "-o", "link", "show", "dev", vlan);
                assertEquals(!standIns.contains(vlan), link.contains("alias netpolc:vlan:" + vlan), link);
            }
        }
        boolean icc = ir.networks().stream().anyMatch(n -> n.isBridge() && !n.icc());
        if (icc) {
            assertEquals("1", sysctl(h, "net/bridge/bridge-nf-call-iptables").strip());
        }
        for (Container c : ir.containers()) {
            if (node != null && !node.equals(c.node())) {
                continue;
            }
            if (c.attachments().stream().anyMatch(a -> networks.get(a.network()).driver() == Driver.HOST)) {
                continue;
            }
            String ns = host.prefix() + c.netns();
            String lo = ipIn(ns, "-o", "link", "show", "dev", "lo");
            assertTrue(lo.contains(",UP") && lo.contains("alias netpolc:netns:" + c.name()), lo);
            for (Attachment a : c.attachments()) {
                Network n = networks.get(a.network());
                if (a.interfaceName() == null) {
                    continue;
                }
                String link = ipIn(ns, "-d", "-o", "link", "show", "dev", a.interfaceName());
                assertHas(link, "link/ether " + a.mac() + " ");
                assertTrue(link.contains(",UP"), link);
                Integer mtu = n.mtu() != null ? n.mtu() : n.driver() == Driver.OVERLAY ? Integer.valueOf(1450) : null;
                if (mtu != null) {
                    assertHas(link, " mtu " + mtu + " ");
                }
                String addr = ipIn(ns, "-o", "addr", "show", "dev", a.interfaceName());
                assertHas(addr, "inet " + cidr(a.ipv4().text(), n.ipv4()));
                if (a.ipv6() != null) {
                    assertHas(addr, "inet6 " + cidr(a.ipv6().text(), n.ipv6()));
                }
                if (n.driver() == Driver.MACVLAN) {
                    MacvlanOptions m = n.macvlan();
                    assertHas(link, "macvlan mode " + m.mode() + " ");
                    assertHas(link, "alias netpolc:macvlan:" + c.name() + ":" + n.name());
                } else {
                    assertHas(link, " veth ");
                    String veth = ipIn(h, "-d", "-o", "link", "show", "dev", a.hostVeth());
                    assertHas(veth, "master " + n.bridgeName() + " ");
                    assertHas(veth, "link-netns " + ns + " ");
                    assertHas(veth, "alias netpolc:veth:" + c.name() + ":" + n.name());
                    assertTrue(veth.contains(",UP"), veth);
                    if (mtu != null) {
                        assertHas(veth, " mtu " + mtu + " ");
                    }
                    assertHas(veth, n.isBridge() && !ir.settings().userlandProxy() ? "hairpin on" : "hairpin off");
                }
            }
            String routes4 = ipIn(ns, "-4", "route", "show", "default");
            String routes6 = ipIn(ns, "-6", "route", "show", "default");
            if (c.gatewayNetwork() == null) {
                assertEquals("", routes4.strip(), c.name() + " has no gateway network, so no default route");
                assertEquals("", routes6.strip());
                continue;
            }
            Network g = networks.get(c.gatewayNetwork());
            Attachment ga = c.attachments().stream().filter(a -> a.network().equals(g.name())).findFirst().orElseThrow();
            assertEquals("default via " + g.ipv4().gateway().text() + " dev " + ga.interfaceName(), routes4.strip());
            if (g.ipv6() != null) {
                assertTrue(routes6.startsWith("default via " + g.ipv6().gateway().text() + " dev " + ga.interfaceName()
                        + " "), routes6);
            } else {
                assertEquals("", routes6.strip());
            }
        }
        List<String> expected = new ArrayList<>();
        for (Container c : ir.containers()) {
            boolean onHost = c.attachments().stream().anyMatch(a -> networks.get(a.network()).driver() == Driver.HOST);
            if ((node == null || node.equals(c.node())) && !onHost) {
                expected.add(host.prefix() + c.netns());
            }
        }
        expected.sort(null);
        assertEquals(expected, host.children(), "the namespaces of this host's containers, and no other");
    }

    // ---- helpers ----

    private static void assertHas(String text, String part) {
        assertTrue(text.contains(part), () -> "expected '" + part + "' in:\n" + text);
    }

    private static String cidr(String address, Subnet s) {
        return address + "/" + s.cidr().prefix();
    }

    private static Policy compile(Path policy) {
        try {
            CompileResult r = PolicyCompiler.compileFile(policy, Repo.display(policy));
            if (r.hasErrors()) {
                fail(policy + " does not compile");
            }
            return r.policy();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String compileTo(Path policy, String target, String node) {
        List<String> args = new ArrayList<>(List.of("compile", "-t", target));
        if (node != null) {
            args.addAll(List.of("--node", node));
        }
        args.add(Repo.display(policy));
        Run run = Run.netpolc(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return run.out();
    }

    private static void run(Kernel.Netns host, String script, String what) {
        Kernel.Result r = host.script(script);
        assertEquals(0, r.exitCode(), () -> what + " failed (exit " + r.exitCode() + "):\n" + r.out() + r.err());
    }

    /**
     * The interfaces a policy expects on the host (macvlan parents, overlay underlays) and, when
     * this kernel cannot create VLAN interfaces, stand-ins for the VLAN sub-interfaces, which the
     * setup then uses as it finds them. Returns the names of those VLAN stand-ins.
     */
    private static Set<String> createHostInterfaces(Kernel.Netns host, Policy ir, String node) {
        Set<String> parents = new LinkedHashSet<>();
        Set<String> vlans = new LinkedHashSet<>();
        for (Network n : ir.networks()) {
            if (n.driver() == Driver.MACVLAN) {
                parents.add(n.macvlan().parent());
                if (n.macvlan().vlan() != null) {
                    vlans.add(n.macvlan().effectiveParent());
                }
            }
            if (n.driver() == Driver.OVERLAY && n.overlay().underlay() != null) {
                parents.add(n.overlay().underlay());
            }
        }
        if (node != null && ir.node(node).orElseThrow().underlay() != null) {
            parents.add(ir.node(node).orElseThrow().underlay());
        }
        parents.forEach(p -> standIn(host, p));
        Set<String> standIns = new LinkedHashSet<>();
        if (!vlans.isEmpty() && !vlanSupported(host, parents.iterator().next())) {
            vlans.forEach(v -> standIn(host, v));
            standIns.addAll(vlans);
        }
        return standIns;
    }

    private static boolean vlanSupported(Kernel.Netns host, String parent) {
        Kernel.Result r = Kernel.run(null, List.of(Kernel.ip(), "-n", host.name, "link", "add", "link", parent, "name",
                "netpolc-probe", "type", "vlan", "id", "4094"));
        Kernel.run(null, List.of(Kernel.ip(), "-n", host.name, "link", "del", "netpolc-probe"));
        return r.exitCode() == 0;
    }

    /**
     * An interface of that name in the host namespace, up and with carrier: one end of a veth pair
     * whose other end is up too (a dummy interface would need a kernel module that may be missing).
     */
    private static void standIn(Kernel.Netns host, String name) {
        String peer = "p-" + Integer.toHexString(name.hashCode());
        Kernel.Result r = Kernel.run(null, List.of(Kernel.ip(), "-n", host.name, "link", "add", name, "type", "veth",
                "peer", "name", peer));
        assertEquals(0, r.exitCode(), () -> "cannot create " + name + ": " + r.err());
        for (String link : List.of(name, peer)) {
            assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "-n", host.name, "link", "set", link, "up")).exitCode());
        }
    }

    private static String ipIn(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Kernel.ip(), "-n", namespace));
        cmd.addAll(List.of(args));
        Kernel.Result r = Kernel.run(null, cmd);
        assertEquals(0, r.exitCode(), () -> String.join(" ", cmd) + ": " + r.err());
        return r.out();
    }

    private static boolean sysctlExists(String namespace, String path) {
        return Kernel.run(null, List.of(Kernel.which("nsenter").toString(), "--net=" + Kernel.NETNS_DIR + "/" + namespace,
                "test", "-e", "/proc/sys/" + path)).exitCode() == 0;
    }

    private static String sysctl(String namespace, String path) {
        Kernel.Result r = Kernel.run(null, List.of(Kernel.which("nsenter").toString(), "--net=" + Kernel.NETNS_DIR + "/"
                + namespace, "cat", "/proc/sys/" + path));
        assertEquals(0, r.exitCode(), r.err());
        return r.out();
    }

    /**
     * Links (with details), addresses, routes and VXLAN forwarding entries of the host namespace
     * and of every namespace the setup created, as text to compare. Bridge timers count time,
     * and link-local IPv6 addresses are tentative until duplicate address detection ends: both
     * are taken out, everything else is compared as the kernel prints it.
     */
    private static String dump(Kernel.Netns host) {
        Map<String, String> parts = new TreeMap<>();
        List<String> namespaces = new ArrayList<>(List.of(host.name));
        namespaces.addAll(host.children());
        for (String ns : namespaces) {
            StringBuilder b = new StringBuilder();
            b.append(ipIn(ns, "-d", "link", "show").replaceAll("[a-z_]+_timer +[0-9.]+ ?", ""));
            b.append(ipIn(ns, "addr", "show").replace(" tentative", ""));
            b.append(ipIn(ns, "-4", "route", "show", "table", "all"));
            b.append(ipIn(ns, "-6", "route", "show"));
            b.append(Kernel.run(null, List.of(Kernel.which("bridge").toString(), "-n", ns, "fdb", "show")).out()
                    .lines().filter(l -> l.contains(" dst ")).reduce("", (x, y) -> x + y + "\n"));
            parts.put(ns.equals(host.name) ? "host" : ns, b.toString());
        }
        StringBuilder all = new StringBuilder();
        parts.forEach((ns, text) -> all.append("== ").append(ns).append('\n').append(text));
        return all.toString();
    }
}
