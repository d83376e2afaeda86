package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.at;
import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.ipv4;
import static dev.netpolc.compiler.Compile.ipv6;
import static dev.netpolc.compiler.Compile.network;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Container addresses, handed out the way Docker's IPAM does on a fresh daemon. */
class AddressAllocationTest {

    @Test
    void addressesAreAllocatedInDeclarationOrderAfterTheGateway() {
        Policy p = ok("""
                network n { subnet 10.1.2.0/24 }
                container a { attach n }
                container b { attach n }
                container c { attach n }
                """);
        assertEquals("10.1.2.1", network(p, "n").ipv4().gateway().text());
        assertEquals("10.1.2.2", ipv4(p, "a", "n"));
        assertEquals("10.1.2.3", ipv4(p, "b", "n"));
        assertEquals("10.1.2.4", ipv4(p, "c", "n"));
    }

    @Test
    void eachNetworkHasItsOwnSequence() {
        Policy p = ok("""
                network x { subnet 10.1.0.0/24 }
                network y { subnet 10.2.0.0/24 }
                container a { attach x }
                container b { attach y attach x }
                container c { attach y }
                """);
        assertEquals("10.1.0.2", ipv4(p, "a", "x"));
        assertEquals("10.2.0.2", ipv4(p, "b", "y"));
        assertEquals("10.1.0.3", ipv4(p, "b", "x"));
        assertEquals("10.2.0.3", ipv4(p, "c", "y"));
    }

    @Test
    void gatewayDefaultsToTheFirstHostAddress() {
        Policy p = ok("network n { subnet 192.168.77.0/24 }\n");
        assertEquals("192.168.77.1", network(p, "n").ipv4().gateway().text());
        assertEquals("192.168.77.0/24", network(p, "n").ipv4().ipRange().toString(),
                "without ip-range, addresses come from the whole subnet");
    }

    @Test
    void aCustomGatewayIsSkippedAndFreesTheFirstHostAddress() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 gateway 10.0.0.3 }
                container a { attach n }
                container b { attach n }
                container c { attach n }
                """);
        assertEquals("10.0.0.3", network(p, "n").ipv4().gateway().text());
        assertEquals("10.0.0.1", ipv4(p, "a", "n"));
        assertEquals("10.0.0.2", ipv4(p, "b", "n"));
        assertEquals("10.0.0.4", ipv4(p, "c", "n"));
    }

    @Test
    void staticAddressesAreNeverHandedOutAgain() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 }
                container s { attach n ip 10.0.0.2 }
                container a { attach n }
                container b { attach n }
                """);
        assertEquals("10.0.0.2", ipv4(p, "s", "n"));
        assertEquals("10.0.0.3", ipv4(p, "a", "n"));
        assertEquals("10.0.0.4", ipv4(p, "b", "n"));
    }

    @Test
    void aStaticAddressOfALaterContainerIsSkippedByAnEarlierDynamicOne() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 }
                container a { attach n }
                container b { attach n }
                container late1 { attach n ip 10.0.0.2 }
                container late2 { attach n ip 10.0.0.4 }
                """);
        assertEquals("10.0.0.3", ipv4(p, "a", "n"));
        assertEquals("10.0.0.5", ipv4(p, "b", "n"));
        assertEquals("10.0.0.2", ipv4(p, "late1", "n"));
        assertEquals("10.0.0.4", ipv4(p, "late2", "n"));
    }

    @Test
    void aStaticAddressOutsideTheIpRangeDoesNotMoveTheRange() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 ip-range 10.0.0.64/26 }
                container a { attach n ip 10.0.0.10 }
                container b { attach n }
                """);
        assertEquals("10.0.0.10", ipv4(p, "a", "n"));
        assertEquals("10.0.0.64", ipv4(p, "b", "n"));
    }

    @Test
    void anIpRangeInTheMiddleOfTheSubnetStartsAtItsFirstAddress() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24; ip-range 10.0.0.128/25 }
                container a { attach n }
                container b { attach n }
                """);
        Network n = network(p, "n");
        assertEquals("10.0.0.128/25", n.ipv4().ipRange().toString());
        assertEquals("10.0.0.1", n.ipv4().gateway().text(), "the gateway stays the subnet's first host address");
        assertEquals("10.0.0.128", ipv4(p, "a", "n"));
        assertEquals("10.0.0.129", ipv4(p, "b", "n"));
    }

    @Test
    void anIpRangeAtTheStartOfTheSubnetSkipsTheNetworkAddressAndGateway() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 ip-range 10.0.0.0/28 }
                container a { attach n }
                """);
        assertEquals("10.0.0.2", ipv4(p, "a", "n"));
    }

    @Test
    void theBroadcastAddressIsNeverAllocated() {
        // ip-range 10.0.0.252/30 ends at the subnet's broadcast address 10.0.0.255
        List<Diagnostic> d = errors("""
                network n { subnet 10.0.0.0/24 ip-range 10.0.0.252/30 }
                container a { attach n }
                container b { attach n }
                container c { attach n }
                container d { attach n }
                """);
        Diagnostic exhausted = single(d, DiagnosticCode.POOL_EXHAUSTED);
        assertTrue(exhausted.message().contains("'d'"), exhausted.message());

        Policy p = ok("""
                network n { subnet 10.0.0.0/24 ip-range 10.0.0.252/30 }
                container a { attach n }
                container b { attach n }
                container c { attach n }
                """);
        assertEquals(List.of("10.0.0.252", "10.0.0.253", "10.0.0.254"),
                List.of(ipv4(p, "a", "n"), ipv4(p, "b", "n"), ipv4(p, "c", "n")));
    }

    @Test
    void aSlash30WithTwoContainersIsExhaustedAsADiagnostic() {
        List<Diagnostic> d = assertDoesNotThrow(() -> errors("""
                network tiny { subnet 10.9.9.0/30 }
                container a { attach tiny }
                container b { attach tiny }
                """));
        assertEquals(List.of(DiagnosticCode.POOL_EXHAUSTED), codes(d));
        Diagnostic e = d.get(0);
        assertEquals(3, e.span().line(), "the diagnostic points at the attachment that found no address");
        assertTrue(e.message().contains("'tiny'") && e.message().contains("'b'"), e.message());
    }

    @Test
    void anIpRangeHoldingOnlyTheGatewayIsExhaustedAtOnce() {
        List<Diagnostic> d = errors("""
                network n { subnet 10.0.0.0/24 ip-range 10.0.0.1/32 }
                container a { attach n }
                """);
        assertEquals(List.of(DiagnosticCode.POOL_EXHAUSTED), codes(d));
    }

    @Test
    void staticAddressesCountAgainstThePool() {
        List<Diagnostic> d = errors("""
                network n { subnet 10.0.0.0/29 }
                container a { attach n }
                container s1 { attach n ip 10.0.0.3 }
                container s2 { attach n ip 10.0.0.4 }
                container s3 { attach n ip 10.0.0.5 }
                container s4 { attach n ip 10.0.0.6 }
                container b { attach n }
                """);
        Diagnostic e = single(d, DiagnosticCode.POOL_EXHAUSTED);
        assertTrue(e.message().contains("'b'"), e.message());
    }

    @Test
    void ipv6SubnetsAllocateFromTwoWithTheGatewayAtOne() {
        Policy p = ok("""
                network v6 { subnet fd00:10::/64 }
                container a { attach v6 }
                container b { attach v6 }
                """);
        assertEquals("fd00:10::1", network(p, "v6").ipv6().gateway().text());
        assertEquals("fd00:10::2", ipv6(p, "a", "v6"));
        assertEquals("fd00:10::3", ipv6(p, "b", "v6"));
    }

    @Test
    void ipv6HasNoBroadcastAddressSoTheLastAddressIsUsable() {
        Policy p = ok("""
                network v6 { subnet fd00::/126 }
                container a { attach v6 }
                container b { attach v6 }
                """);
        assertEquals("fd00::2", ipv6(p, "a", "v6"));
        assertEquals("fd00::3", ipv6(p, "b", "v6"));
        List<Diagnostic> d = errors("""
                network v6 { subnet fd00::/126 }
                container a { attach v6 }
                container b { attach v6 }
                container c { attach v6 }
                """);
        assertTrue(single(d, DiagnosticCode.POOL_EXHAUSTED).message().contains("IPv6"));
    }

    @Test
    void dualStackGivesEachAttachmentBothFamilies() {
        Policy p = ok("""
                network ds {
                    subnet 10.4.0.0/24
                    subnet fd00:4::/64
                }
                container a { attach ds }
                container b { attach ds ip6 fd00:4:0:0::2 }
                container c { attach ds ip 10.4.0.2 }
                """);
        assertEquals("10.4.0.3", ipv4(p, "a", "ds"));
        assertEquals("fd00:4::3", ipv6(p, "a", "ds"));
        assertEquals("10.4.0.4", ipv4(p, "b", "ds"));
        assertEquals("fd00:4::2", ipv6(p, "b", "ds"), "a static IPv6 address is kept, in canonical form");
        assertEquals("10.4.0.2", ipv4(p, "c", "ds"));
        assertEquals("fd00:4::4", ipv6(p, "c", "ds"));
    }

    @Test
    void anIpv4OnlyNetworkGivesNoIpv6Address() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 }
                container a { attach n }
                """);
        assertNull(at(p, "a", "n").ipv6());
        assertNull(network(p, "n").ipv6());
    }

    @Test
    void staticAddressMistakesAreDiagnostics() {
        List<Diagnostic> d = errors("""
                network n { subnet 10.0.0.0/24 }
                container gw { attach n ip 10.0.0.1 }
                container net { attach n ip 10.0.0.0 }
                container bc { attach n ip 10.0.0.255 }
                container out { attach n ip 10.0.1.5 }
                container a { attach n ip 10.0.0.9 }
                container b { attach n ip 10.0.0.9 }
                """);
        assertEquals(List.of(DiagnosticCode.STATIC_ADDRESS_RESERVED, DiagnosticCode.STATIC_ADDRESS_RESERVED,
                DiagnosticCode.STATIC_ADDRESS_RESERVED, DiagnosticCode.STATIC_ADDRESS_OUTSIDE_SUBNET,
                DiagnosticCode.ADDRESS_IN_USE), codes(d));
        assertEquals(7, d.get(4).span().line(), "the second user of an address is the one reported");
    }

    @Test
    void anIpv6IpRangeStartsAtItsFirstAddress() {
        Policy p = ok("""
                network v6 { subnet fd00:6::/64 ip-range fd00:6::100/120 }
                container a { attach v6 }
                container b { attach v6 ip6 fd00:6::101 }
                container c { attach v6 }
                """);
        assertEquals("fd00:6::1", network(p, "v6").ipv6().gateway().text());
        assertEquals("fd00:6::100", ipv6(p, "a", "v6"));
        assertEquals("fd00:6::102", ipv6(p, "c", "v6"));
    }
}
