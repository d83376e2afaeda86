package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.container;
import static dev.netpolc.compiler.Compile.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import org.junit.jupiter.api.Test;

/**
 * The network a container's default route and published ports go through: Docker orders a
 * container's endpoints with non-internal networks first, then dual-stack ones, then by name.
 */
class GatewayNetworkTest {

    private static final String NETWORKS = """
            network zeta { subnet 10.26.0.0/24 }
            network alpha { subnet 10.1.0.0/24 }
            network beta { subnet 10.2.0.0/24 }
            network dual { subnet 10.4.0.0/24 subnet fd00:4::/64 }
            network zdual { subnet 10.5.0.0/24 subnet fd00:5::/64 }
            network inner { subnet 10.9.0.0/24 internal }
            network innerdual { subnet 10.8.0.0/24 subnet fd00:8::/64 internal }
            """;

    private static String gateway(String containerBody) {
        Policy p = ok(NETWORKS + "container c { " + containerBody + " }\n");
        return container(p, "c").gatewayNetwork();
    }

    @Test
    void theOnlyNetworkIsTheGateway() {
        assertEquals("zeta", gateway("attach zeta"));
    }

    @Test
    void amongEqualsTheNetworkNameDecidesNotTheAttachOrder() {
        assertEquals("alpha", gateway("attach zeta attach alpha"));
        assertEquals("alpha", gateway("attach alpha attach zeta"));
        assertEquals("beta", gateway("attach zeta attach beta"));
    }

    @Test
    void publishedPortsGoThroughTheGatewayNetwork() {
        Policy p = ok(NETWORKS + "container c { attach zeta attach alpha publish 8080 -> 80 }\n");
        PublishedPort port = container(p, "c").published().get(0);
        assertEquals("alpha", port.network());
        assertEquals("10.1.0.2", port.containerAddress().text());
        assertEquals(1, container(p, "c").published().size());
    }

    @Test
    void dualStackNetworksComeBeforeIpv4OnlyOnes() {
        assertEquals("zdual", gateway("attach alpha attach zdual"));
        assertEquals("dual", gateway("attach zdual attach alpha attach dual"));
    }

    @Test
    void internalNetworksAreNeverTheGateway() {
        assertEquals("zeta", gateway("attach inner attach zeta"));
        assertEquals("zeta", gateway("attach innerdual attach zeta"));
        assertNull(gateway("attach inner"));
        assertNull(gateway("attach inner attach innerdual"));
    }
}
