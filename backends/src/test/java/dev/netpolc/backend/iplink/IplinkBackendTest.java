package dev.netpolc.backend.iplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.backend.Backends;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.HostSettings;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.OverlayOptions;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import dev.netpolc.ir.Subnet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The iplink backend on policies built by hand, including what the compiler would never let
 * through: names are still quoted, the batch form refuses what it cannot quote, and a policy with
 * nodes is rendered only for one of them.
 */
class IplinkBackendTest {

    private static final SourceSpan AT = new SourceSpan("t.net", 1, 1, 1);

    private static IpAddr v4(String a) {
        return new IpAddr(Family.IPV4, a);
    }

    private static Network bridge(String name, String bridge) {
        Cidr cidr = new Cidr(v4("10.0.0.0"), 24);
        return new Network(name, Driver.BRIDGE, bridge, new Subnet(cidr, cidr, v4("10.0.0.1"), AT), null, null, true,
                true, null, false, null, null, null, AT);
    }

    private static Network overlay(String name, List<IpAddr> peers) {
        Cidr cidr = new Cidr(v4("10.9.0.0"), 24);
        return new Network(name, Driver.OVERLAY, "br-" + name, new Subnet(cidr, cidr, v4("10.9.0.1"), AT), null, null,
                true, false, null, false, null, null, new OverlayOptions(77, null, peers), AT);
    }

    private static Container container(String name, String network, String node) {
        Attachment a = new Attachment(network, "eth0", "veth0000001", v4("10.0.0.2"), null, "02:42:0a:00:00:02", AT, false, false);
        return new Container(name, name, List.of(a), network, List.of(), AT, node);
    }

    @Test
    void aLongContainerListPrintedByTwoThreadsGivesTheSameScripts() {
        List<Container> many = new java.util.ArrayList<>();
        for (int i = 0; i < 301; i++) {
            many.add(container("c" + i, "n", null));
        }
        Policy p = new Policy(List.of("t.net"), HostSettings.defaults(), List.of(bridge("n", "br-n")), many);
        for (IplinkBackend.Script script : IplinkBackend.Script.values()) {
            String oneThread = new IplinkBackend(script, Integer.MAX_VALUE).render(p);
            assertEquals(oneThread, new IplinkBackend(script, 10).render(p), script.name());
            assertTrue(oneThread.contains("c300"), script.name());
        }
    }

    @Test
    void aNameTheCompilerWouldRefuseIsStillOneQuotedWord() {
        Policy p = new Policy(List.of("t.net"), HostSettings.defaults(), List.of(bridge("n", "br-n")),
                List.of(container("it's", "n", null)));
        String script = new IplinkBackend(IplinkBackend.Script.SETUP).render(p);
        assertTrue(script.contains("ns=\"$p\"'it'\\''s'\n"), script);
        String teardown = new IplinkBackend(IplinkBackend.Script.TEARDOWN).render(p);
        assertTrue(teardown.contains("drop_netns \"$p\"'it'\\''s' 'netpolc:netns:it'\\''s'\"$o\"\n"), teardown);
        assertThrows(IllegalArgumentException.class, () -> new IplinkBackend(IplinkBackend.Script.BATCH).render(p),
                "ip -batch has no escapes: a name that is not a plain word must be refused, not printed");
    }

    @Test
    void aNameCannotEndTheCommentItIsPrintedIn() {
        Policy p = new Policy(List.of("t.net\nreboot"), HostSettings.defaults(), List.of(bridge("n\nreboot", "br-n")),
                List.of(container("c\nreboot", "n\nreboot", null)));
        String setup = new IplinkBackend(IplinkBackend.Script.SETUP).render(p);
        assertTrue(setup.contains("# netpolc iplink for t.net?reboot.\n"), setup);
        assertTrue(setup.contains("\n# network n?reboot: bridge 'br-n'\n"), setup);
        assertTrue(setup.contains("\n# container c?reboot\n"), setup);
        // In commands the names stay whole: a quoted word may span lines, and stays one word.
        assertTrue(setup.contains("ns=\"$p\"'c\nreboot'\n"), setup);
        String teardown = new IplinkBackend(IplinkBackend.Script.TEARDOWN).render(p);
        assertTrue(teardown.contains("\n# container c?reboot, n?reboot: veth pair\n"), teardown);
    }

    @Test
    void aPolicyWithNodesIsRenderedForOneNode() {
        Policy p = new Policy(List.of("t.net"), HostSettings.defaults(),
                List.of(overlay("mesh", List.of(v4("198.51.100.9"), v4("192.0.2.2")))),
                List.of(container("a", "mesh", "n1"), container("b", "mesh", "n2")),
                List.of(new Node("n1", v4("192.0.2.1"), "eth1", AT), new Node("n2", v4("192.0.2.2"), null, AT),
                        new Node("n3", v4("192.0.2.3"), null, AT)));
        IplinkBackend setup = new IplinkBackend(IplinkBackend.Script.SETUP);
        assertThrows(IllegalArgumentException.class, () -> setup.render(p));
        assertThrows(IllegalArgumentException.class, () -> setup.render(p, new dev.netpolc.backend.RenderOptions(false, "n4")));
        HostPlan n1 = setup.plan(p, "n1");
        assertEquals(List.of("a"), n1.containers().stream().map(HostPlan.ContainerView::name).toList());
        HostPlan.VxlanView x = n1.vxlans().get(0);
        assertEquals("192.0.2.1", x.local());
        assertEquals("'eth1'", x.underlay(), "the node's underlay when the network names none");
        assertEquals(List.of("192.0.2.2", "192.0.2.3", "198.51.100.9"), x.peers(),
                "the other nodes, then the network's own peers, each once");
        HostPlan n2 = setup.plan(p, "n2");
        assertEquals(List.of("192.0.2.1", "192.0.2.3", "198.51.100.9"), n2.vxlans().get(0).peers(),
                "a node is never its own peer, even when the network lists it");
        assertEquals(null, n2.vxlans().get(0).underlay());
    }

    /** Every target builds one host: the firewall targets publish only that node's containers' ports. */
    @Test
    void everyTargetIsPerNode() {
        assertEquals(List.of("iptables", "ip6tables", "nftables", "iplink", "iplink-teardown", "iplink-batch"),
                Backends.all().stream().filter(b -> b.perNode()).map(b -> b.name()).toList());
        Policy p = new Policy(List.of("t.net"), HostSettings.defaults(), List.of(overlay("mesh", List.of())),
                List.of(container("a", "mesh", "n1")), List.of(new Node("n1", v4("192.0.2.1"), null, AT)));
        for (var b : Backends.all()) {
            assertThrows(IllegalArgumentException.class, () -> b.render(p, new dev.netpolc.backend.RenderOptions(false, "n9")),
                    b.name() + " must refuse a node the policy does not declare");
        }
    }
}
