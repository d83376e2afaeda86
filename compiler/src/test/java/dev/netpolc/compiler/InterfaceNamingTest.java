package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.at;
import static dev.netpolc.compiler.Compile.container;
import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.network;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** MAC addresses, interface names inside containers, and host veth names. */
class InterfaceNamingTest {

    private static String expectedMac(String ipv4) {
        String[] o = ipv4.split("\\.");
        StringBuilder b = new StringBuilder("02:42");
        for (String octet : o) {
            b.append(':').append(String.format("%02x", Integer.parseInt(octet)));
        }
        return b.toString();
    }

    @Test
    void macIsDerivedFromTheIpv4Address() {
        Policy p = ok("""
                network n { subnet 192.168.100.0/24 }
                network m { subnet 10.255.0.0/16 }
                container a { attach n attach m ip 10.255.171.205 }
                container b { attach n }
                """);
        assertEquals("02:42:c0:a8:64:02", at(p, "a", "n").mac());
        assertEquals("02:42:0a:ff:ab:cd", at(p, "a", "m").mac());
        for (Container c : p.containers()) {
            for (Attachment a : c.attachments()) {
                assertEquals(expectedMac(a.ipv4().text()), a.mac(), c.name() + " on " + a.network());
            }
        }
    }

    @Test
    void anExplicitMacWinsAndIsNormalisedToLowerCase() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 }
                container a { attach n mac 02:AB:cd:00:00:01 }
                """);
        assertEquals("02:ab:cd:00:00:01", at(p, "a", "n").mac());
        assertEquals("10.0.0.2", at(p, "a", "n").ipv4().text(), "a MAC does not change the address");
    }

    @Test
    void invalidMacsAreDiagnostics() {
        var d = errors("""
                network n { subnet 10.0.0.0/24 }
                container a { attach n mac 01:00:00:00:00:01 }
                container b { attach n mac 00:00:00:00:00:00 }
                container c { attach n mac 02:00:00:00:00 }
                """);
        assertEquals(List.of(DiagnosticCode.INVALID_MAC, DiagnosticCode.INVALID_MAC, DiagnosticCode.INVALID_MAC),
                Compile.codes(d));
    }

    @Test
    void interfacesAreNumberedInAttachOrder() {
        Policy p = ok("""
                network zeta { subnet 10.3.0.0/24 }
                network alpha { subnet 10.1.0.0/24 }
                network mid { subnet 10.2.0.0/24 }
                container c {
                    attach zeta
                    attach alpha
                    attach mid
                }
                """);
        List<Attachment> as = container(p, "c").attachments();
        assertEquals(List.of("zeta", "alpha", "mid"), as.stream().map(Attachment::network).toList());
        assertEquals(List.of("eth0", "eth1", "eth2"), as.stream().map(Attachment::interfaceName).toList());
    }

    @Test
    void aContainerWithoutAttachJoinsTheDefaultBridgeAsEth0() {
        Policy p = ok("""
                network bridge {}
                container c {}
                """);
        Attachment a = at(p, "c", "bridge");
        assertEquals("eth0", a.interfaceName());
        assertEquals("172.17.0.2", a.ipv4().text());
        assertEquals("02:42:ac:11:00:02", a.mac());
        single(errors("container c {}\n"), DiagnosticCode.NO_NETWORK); // no 'bridge' declared: nowhere to join
    }

    @Test
    void vethNamesStartWithVethAndFitInFifteenBytes() {
        Policy p = ok("""
                network a { subnet 10.1.0.0/24 }
                network b { subnet 10.2.0.0/24 }
                container x { attach a attach b }
                container y { attach a }
                """);
        for (Container c : p.containers()) {
            for (Attachment at : c.attachments()) {
                String v = at.hostVeth();
                assertNotNull(v);
                assertTrue(v.startsWith("veth"), v);
                assertTrue(v.getBytes(StandardCharsets.UTF_8).length <= 15, v);
                assertTrue(v.matches("[A-Za-z0-9_.-]+"), v);
            }
        }
    }

    @Test
    void macvlanAttachmentsHaveNoVeth() {
        Policy p = ok("""
                network mv { driver macvlan parent eth0 subnet 10.7.0.0/24 }
                container c { attach mv }
                """);
        Attachment a = at(p, "c", "mv");
        assertNull(a.hostVeth());
        assertEquals("eth0", a.interfaceName());
        assertEquals("02:42:0a:07:00:02", a.mac());
    }

    @Test
    void vethNamesAreUniqueAndStableForThousandsOfContainers() {
        StringBuilder policy = new StringBuilder("""
                network bridge {}
                network big { subnet 10.0.0.0/16 }
                network other { subnet 10.1.0.0/16 bridge-name vethfixed }
                """);
        int n = 3000;
        for (int i = 0; i < n; i++) {
            policy.append("container c").append(i).append(" { attach big attach bridge")
                    .append(i % 3 == 0 ? " attach other" : "").append(" }\n");
        }
        String text = policy.toString();
        Policy first = ok(text);
        Policy second = ok(text);

        Set<String> hostNames = new HashSet<>();
        for (Network net : first.networks()) {
            assertTrue(hostNames.add(net.bridgeName()), net.bridgeName());
        }
        List<String> veths = new ArrayList<>();
        for (Container c : first.containers()) {
            for (Attachment a : c.attachments()) {
                String v = a.hostVeth();
                assertTrue(v.startsWith("veth") && v.getBytes(StandardCharsets.UTF_8).length <= 15, v);
                assertTrue(hostNames.add(v), () -> "host interface name used twice: " + v);
                veths.add(v);
            }
        }
        assertEquals(n * 2 + n / 3, veths.size());

        List<String> again = second.containers().stream()
                .flatMap(c -> c.attachments().stream().map(Attachment::hostVeth)).toList();
        assertEquals(veths, again, "veth names must not change between two compilations");
        assertEquals(first.containers(), second.containers(), "the whole resolution must be deterministic");
    }

    @Test
    void aGeneratedVethNeverTakesANameThePolicyChose() {
        String base = """
                network big { subnet 10.0.0.0/16 }
                container c1 { attach big }
                container c2 { attach big }
                """;
        String taken = at(ok(base), "c2", "big").hostVeth();
        Policy p = ok(base + "network other { subnet 10.1.0.0/24 bridge-name " + taken + " }\n"
                + "settings { uplink " + at(ok(base), "c1", "big").hostVeth() + " }\n");
        assertEquals(taken, p.network("other").orElseThrow().bridgeName());
        Set<String> names = new HashSet<>();
        names.add(taken);
        names.addAll(p.settings().uplinks());
        for (Container c : p.containers()) {
            String v = c.attachments().get(0).hostVeth();
            assertTrue(v.startsWith("veth") && v.length() <= 15, v);
            assertTrue(names.add(v), () -> "veth " + v + " collides with a name the policy chose");
        }
    }

    @Test
    void eachOverlayNetworkHasAVxlanDeviceNamedAfterItsId() {
        Policy p = ok("""
                network a { driver overlay }
                network b { driver overlay; vxlan-id 77 }
                """);
        assertEquals("vxlan4096", network(p, "a").overlay().vxlanDevice());
        assertEquals("vxlan77", network(p, "b").overlay().vxlanDevice());
    }

    @Test
    void aVxlanDeviceNameThatIsTakenIsReportedAtTheNetwork() {
        Diagnostic e = single(errors("""
                network a { bridge-name vxlan4096 }
                network b { driver overlay }
                """), DiagnosticCode.DUPLICATE_INTERFACE_NAME);
        assertEquals(2, e.span().line());
        Diagnostic uplink = single(errors("""
                settings { uplink vxlan4096 }
                network b { driver overlay }
                """), DiagnosticCode.DUPLICATE_INTERFACE_NAME);
        assertEquals(2, uplink.span().line());
    }
}
