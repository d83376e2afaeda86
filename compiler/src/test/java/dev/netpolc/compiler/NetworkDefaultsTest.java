package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.network;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bridge names and the subnets of networks declared without one. */
class NetworkDefaultsTest {

    /** Docker's user bridge name: br- and the first 12 hex digits of a SHA-256 of the network. */
    static String expectedBridge(String network) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(network.getBytes(StandardCharsets.UTF_8));
        return "br-" + HexFormat.of().formatHex(digest).substring(0, 12);
    }

    @Test
    void theNetworkNamedBridgeIsDocker0With172_17() {
        Network b = network(ok("network bridge {}\n"), "bridge");
        assertEquals("docker0", b.bridgeName());
        assertEquals("172.17.0.0/16", b.ipv4().cidr().toString());
        assertEquals("172.17.0.1", b.ipv4().gateway().text());
        assertTrue(b.masquerade() && b.icc() && !b.internal(), "the default bridge keeps Docker's defaults");
    }

    @Test
    void otherNetworksAreNamedAfterAHashOfTheirName() throws Exception {
        Policy p = ok("""
                network web { subnet 10.1.0.0/24 }
                network my-bridge-network { subnet 10.2.0.0/24 }
                network "internal" { subnet 10.3.0.0/24 }
                """);
        for (String name : List.of("web", "my-bridge-network", "internal")) {
            String actual = network(p, name).bridgeName();
            assertEquals(expectedBridge(name), actual, name);
            assertEquals(15, actual.length(), "br- and 12 hex digits");
        }
    }

    @Test
    void bridgeNameOverridesTheDefault() {
        Policy p = ok("""
                network bridge { bridge-name mybr0 }
                network web { subnet 10.1.0.0/24 bridge-name web0 }
                """);
        assertEquals("mybr0", network(p, "bridge").bridgeName());
        assertEquals("web0", network(p, "web").bridgeName());
    }

    @Test
    void twoNetworksCannotShareABridgeName() {
        List<Diagnostic> d = errors("""
                network a { subnet 10.1.0.0/24 bridge-name br0 }
                network b { subnet 10.2.0.0/24 bridge-name br0 }
                """);
        Diagnostic dup = single(d, DiagnosticCode.DUPLICATE_INTERFACE_NAME);
        assertEquals(2, dup.span().line());
    }

    @Test
    void aBridgeNameLongerThan15BytesIsRefused() {
        List<Diagnostic> d = errors("network a { subnet 10.1.0.0/24 bridge-name abcdefghijklmnop }\n");
        single(d, DiagnosticCode.INVALID_INTERFACE_NAME);
    }

    @Test
    void networksWithoutSubnetTakeDockersLocalPoolsInDeclarationOrder() {
        Policy p = ok("""
                network first {}
                network bridge {}
                network second {}
                network third { subnet fd00:3::/64 }
                """);
        assertEquals("172.17.0.0/16", network(p, "bridge").ipv4().cidr().toString());
        assertEquals("172.18.0.0/16", network(p, "first").ipv4().cidr().toString());
        assertEquals("172.19.0.0/16", network(p, "second").ipv4().cidr().toString());
        assertEquals("172.20.0.0/16", network(p, "third").ipv4().cidr().toString(),
                "an IPv6-only declaration still gets a default IPv4 subnet, as in Docker");
        assertEquals("172.19.0.1", network(p, "second").ipv4().gateway().text());
    }

    @Test
    void defaultPoolsSkipPoolsThatOverlapDeclaredSubnets() {
        Policy p = ok("""
                network bridge {}
                network a {}
                network later { subnet 172.19.128.0/17 }
                network b {}
                """);
        assertEquals("172.18.0.0/16", network(p, "a").ipv4().cidr().toString());
        assertEquals("172.20.0.0/16", network(p, "b").ipv4().cidr().toString(),
                "172.19.0.0/16 overlaps a subnet declared later and must be skipped");
    }

    @Test
    void after172_31ComeThe192_168Slash20Pools() {
        StringBuilder policy = new StringBuilder("network bridge {}\n");
        for (int i = 18; i <= 31; i++) {
            policy.append("network n").append(i).append(" {}\n");
        }
        policy.append("network blocker { subnet 192.168.20.0/24 }\n");
        policy.append("network p0 {}\nnetwork p1 {}\nnetwork p2 {}\n");
        Policy p = ok(policy.toString());
        for (int i = 18; i <= 31; i++) {
            assertEquals("172." + i + ".0.0/16", network(p, "n" + i).ipv4().cidr().toString());
        }
        assertEquals("192.168.0.0/20", network(p, "p0").ipv4().cidr().toString());
        assertEquals("192.168.32.0/20", network(p, "p1").ipv4().cidr().toString(),
                "192.168.16.0/20 holds the declared 192.168.20.0/24");
        assertEquals("192.168.48.0/20", network(p, "p2").ipv4().cidr().toString());
    }

    @Test
    void runningOutOfDefaultPoolsIsADiagnostic() {
        StringBuilder policy = new StringBuilder("network bridge {}\n");
        // 172.18-31 (14) and 192.168.0.0/20 .. 192.168.240.0/20 (16): 30 pools after the default bridge
        for (int i = 0; i < 31; i++) {
            policy.append("network n").append(i).append(" {}\n");
        }
        List<Diagnostic> d = errors(policy.toString());
        Diagnostic e = single(d, DiagnosticCode.NO_DEFAULT_SUBNET);
        assertTrue(e.message().contains("'n30'"), e.message());
    }

    @Test
    void overlayNetworksTakeSlash24sOf10_0_0_0() {
        Policy p = ok("""
                network bridge {}
                network o1 { driver overlay underlay eth0 }
                network local {}
                network taken { subnet 10.0.1.0/24 }
                network o2 { driver overlay underlay eth0 }
                network o3 { driver overlay underlay eth0 }
                """);
        assertEquals("10.0.0.0/24", network(p, "o1").ipv4().cidr().toString());
        assertEquals("10.0.2.0/24", network(p, "o2").ipv4().cidr().toString());
        assertEquals("10.0.3.0/24", network(p, "o3").ipv4().cidr().toString());
        assertEquals("172.18.0.0/16", network(p, "local").ipv4().cidr().toString(),
                "overlay and local networks draw from separate pools");
        assertEquals("10.0.0.1", network(p, "o1").ipv4().gateway().text());
    }

    @Test
    void overlayPoolCountsThroughTheThirdOctet() {
        StringBuilder policy = new StringBuilder();
        for (int i = 0; i < 258; i++) {
            policy.append("network o").append(i).append(" { driver overlay underlay eth0 }\n");
        }
        Policy p = ok(policy.toString());
        assertEquals("10.0.255.0/24", network(p, "o255").ipv4().cidr().toString());
        assertEquals("10.1.0.0/24", network(p, "o256").ipv4().cidr().toString());
        assertEquals("10.1.1.0/24", network(p, "o257").ipv4().cidr().toString());
        assertNotEquals(network(p, "o0").overlay().vxlanId(), network(p, "o1").overlay().vxlanId());
    }

    @Test
    void aNetworkNamedBridgeWithItsOwnSubnetKeepsDocker0() {
        Policy p = ok("network bridge { subnet 10.50.0.0/16 }\nnetwork other {}\n");
        assertEquals("docker0", network(p, "bridge").bridgeName());
        assertEquals("10.50.0.0/16", network(p, "bridge").ipv4().cidr().toString());
        assertEquals("172.17.0.0/16", network(p, "other").ipv4().cidr().toString(),
                "172.17.0.0/16 is free when the default bridge uses another subnet");
    }
}
