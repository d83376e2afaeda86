package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.container;
import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.result;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.Protocol;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Published ports: parsing, expansion, host addresses, families and conflicts. */
class PublishTest {

    private static List<PublishedPort> published(String networks, String body) {
        Policy p = ok(networks + "container c { " + body + " }\n");
        return container(p, "c").published();
    }

    private static final String V4 = "network n { subnet 10.0.0.0/24 }\n";
    private static final String DUAL = "network n { subnet 10.0.0.0/24 subnet fd00::/64 }\n";

    @Test
    void aSinglePortWithoutHostAddressIsBoundToAllAddresses() {
        List<PublishedPort> ps = published(V4, "attach n publish 8080 -> 80");
        assertEquals(1, ps.size());
        PublishedPort p = ps.get(0);
        assertNull(p.hostAddress());
        assertEquals(8080, p.hostPort());
        assertEquals(80, p.containerPort());
        assertEquals(Protocol.TCP, p.protocol(), "tcp is the default");
        assertEquals("10.0.0.2", p.containerAddress().text());
        assertEquals("n", p.network());
    }

    @Test
    void rangesExpandPortByPort() {
        List<PublishedPort> ps = published(V4, "attach n publish 9000-9003 -> 7000-7003/udp");
        assertEquals(List.of(9000, 9001, 9002, 9003), ps.stream().map(PublishedPort::hostPort).toList());
        assertEquals(List.of(7000, 7001, 7002, 7003), ps.stream().map(PublishedPort::containerPort).toList());
        assertTrue(ps.stream().allMatch(p -> p.protocol() == Protocol.UDP));
    }

    @Test
    void rangesOfDifferentLengthsAreADiagnostic() {
        List<Diagnostic> d = errors(V4 + "container c { attach n publish 9000-9003 -> 7000-7001 }\n");
        assertEquals(List.of(DiagnosticCode.PORT_RANGE_MISMATCH), codes(d));
    }

    @Test
    void portsOutsideTheValidRangeAreDiagnostics() {
        List<Diagnostic> d = errors(V4 + """
                container a { attach n publish 0 -> 80 }
                container b { attach n publish 8080 -> 65536 }
                container c { attach n publish 9010-9000 -> 80 }
                """);
        assertEquals(List.of(DiagnosticCode.PORT_OUT_OF_RANGE, DiagnosticCode.PORT_OUT_OF_RANGE,
                DiagnosticCode.PORT_OUT_OF_RANGE), codes(d));
    }

    @Test
    void dockerStylePublishIsExplained() {
        List<Diagnostic> d = errors(V4 + "container c { attach n publish 127.0.0.1:8080:80/udp }\n");
        Diagnostic e = single(d, DiagnosticCode.INVALID_PUBLISH);
        assertTrue(e.notes().stream().anyMatch(n -> n.message().contains("publish 127.0.0.1:8080 -> 80/udp")),
                e.notes().toString());
    }

    @Test
    void anUnknownProtocolIsADiagnosticWithASuggestion() {
        List<Diagnostic> d = errors(V4 + "container c { attach n publish 53 -> 53/upd }\n");
        Diagnostic e = single(d, DiagnosticCode.INVALID_VALUE);
        assertTrue(e.notes().stream().anyMatch(n -> n.message().equals("did you mean 'udp'?")), e.notes().toString());
        assertEquals(2, e.span().line());
        assertEquals("container c { attach n publish 53 -> 53/".length() + 1, e.span().column(),
                "the span points at the protocol");
    }

    @Test
    void hostBindingGivesTheDefaultHostAddress() {
        List<PublishedPort> ps = published("network n { subnet 10.0.0.0/24 host-binding 127.0.0.2 }\n",
                "attach n publish 80 -> 80 publish 0.0.0.0:81 -> 81 publish 10.10.10.10:82 -> 82");
        assertEquals("127.0.0.2", ps.get(0).hostAddress().text());
        assertNull(ps.get(1).hostAddress(), "an explicit 0.0.0.0 means all addresses, whatever the default");
        assertEquals("10.10.10.10", ps.get(2).hostAddress().text());
    }

    @Test
    void hostAddressAndProtocol() {
        List<PublishedPort> ps = published("network bridge {}\n", "publish 127.0.0.1:5353 -> 53/udp");
        assertEquals(1, ps.size());
        PublishedPort p = ps.get(0);
        assertEquals("127.0.0.1", p.hostAddress().text());
        assertEquals(5353, p.hostPort());
        assertEquals(53, p.containerPort());
        assertEquals(Protocol.UDP, p.protocol());
        assertEquals("bridge", p.network());
        assertEquals("172.17.0.2", p.containerAddress().text());
    }

    @Test
    void onADualStackNetworkAPortIsPublishedForBothFamilies() {
        List<PublishedPort> ps = published(DUAL, "attach n publish 8080 -> 80");
        assertEquals(List.of(Family.IPV4, Family.IPV6), ps.stream().map(PublishedPort::family).toList());
        assertEquals("10.0.0.2", ps.get(0).containerAddress().text());
        assertEquals("fd00::2", ps.get(1).containerAddress().text());
        assertTrue(ps.stream().allMatch(p -> p.hostAddress() == null));
    }

    @Test
    void anIpv6HostAddressGivesOnlyAnIpv6Entry() {
        List<PublishedPort> ps = published(DUAL, "attach n publish [::1]:8080 -> 80");
        assertEquals(1, ps.size());
        PublishedPort p = ps.get(0);
        assertEquals(Family.IPV6, p.family());
        assertEquals("::1", p.hostAddress().text());
        assertEquals("fd00::2", p.containerAddress().text());
    }

    @Test
    void anIpv4HostAddressOnADualStackNetworkGivesOnlyAnIpv4Entry() {
        List<PublishedPort> ps = published(DUAL, "attach n publish 127.0.0.1:8080 -> 80");
        assertEquals(1, ps.size());
        assertEquals(Family.IPV4, ps.get(0).family());
    }

    @Test
    void anIpv6HostAddressOnAnIpv4OnlyNetworkIsAFamilyMismatch() {
        List<Diagnostic> d = errors(V4 + "container c { attach n publish [::1]:8080 -> 80 }\n");
        assertEquals(List.of(DiagnosticCode.FAMILY_MISMATCH), codes(d));
    }

    @Test
    void anUnbracketedIpv6HostAddressIsADiagnostic() {
        List<Diagnostic> d = errors(DUAL + "container c { attach n publish ::1:8080 -> 80 }\n");
        assertEquals(List.of(DiagnosticCode.INVALID_PUBLISH), codes(d));
    }

    @Test
    void publishOnAnInternalOnlyContainerIsAWarningAndProducesNothing() {
        CompileResult r = result("""
                network inner { subnet 10.9.0.0/24 internal }
                container c { attach inner publish 8080 -> 80 }
                """);
        assertNotNull(r.policy(), "a warning does not stop compilation:\n" + Compile.render(r));
        Diagnostic w = single(r.diagnostics(), DiagnosticCode.PUBLISH_IGNORED);
        assertEquals(Severity.WARNING, w.severity());
        assertEquals(2, w.span().line());
        assertTrue(container(r.policy(), "c").published().isEmpty());
        assertNull(container(r.policy(), "c").gatewayNetwork());
    }

    @Test
    void anyAddressAndLoopbackOnTheSamePortConflict() {
        List<Diagnostic> d = errors("""
                network bridge {}
                container a { publish 0.0.0.0:80 -> 80 }
                container b { publish 127.0.0.1:80 -> 80 }
                """);
        Diagnostic e = single(d, DiagnosticCode.DUPLICATE_PUBLISH);
        assertEquals(3, e.span().line(), "the later publish is reported");
        assertTrue(e.message().contains("'a'"), e.message());
    }

    @Test
    void conflictsAreFoundInEitherOrder() {
        List<Diagnostic> d = errors("""
                network bridge {}
                container a { publish 127.0.0.1:80 -> 80 }
                container b { publish 80 -> 80 }
                """);
        assertEquals(3, single(d, DiagnosticCode.DUPLICATE_PUBLISH).span().line());
    }

    @Test
    void aConflictInsideARangeIsFound() {
        List<Diagnostic> d = errors("""
                network bridge {}
                container a { publish 9005 -> 80 }
                container b { publish 9000-9009 -> 9000-9009 }
                """);
        assertTrue(single(d, DiagnosticCode.DUPLICATE_PUBLISH).message().contains("9005"));
    }

    @Test
    void differentProtocolsDifferentAddressesAndDifferentFamiliesDoNotConflict() {
        Policy p = ok("""
                network n { subnet 10.0.0.0/24 subnet fd00::/64 }
                container a { attach n publish 80 -> 80 publish 5300 -> 53/tcp }
                container b { attach n publish 80 -> 80/udp publish 5300 -> 53/udp }
                container c { attach n publish 127.0.0.1:81 -> 80 publish [::1]:81 -> 80 }
                container d { attach n publish 127.0.0.2:81 -> 80 }
                container e { attach n publish 0.0.0.0:82 -> 80 }
                container f { attach n publish [::]:82 -> 80 }
                """);
        assertEquals(4, container(p, "a").published().size());
        assertEquals(4, container(p, "b").published().size());
        assertEquals(2, container(p, "c").published().size());
        assertEquals(List.of(Family.IPV4), container(p, "e").published().stream().map(PublishedPort::family).toList());
        assertEquals(List.of(Family.IPV6), container(p, "f").published().stream().map(PublishedPort::family).toList());
        assertNull(container(p, "f").published().get(0).hostAddress(), "[::] means all IPv6 addresses");
    }
}
