package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two networks may not share addresses: NP2016, reported once per overlapping subnet. */
class SubnetOverlapTest {

    private static List<Diagnostic> overlaps(List<Diagnostic> d) {
        return d.stream().filter(x -> x.code() == DiagnosticCode.SUBNET_OVERLAP).toList();
    }

    /** 1999 disjoint /24s, a /16 declared among them, and the one /24 inside that /16 declared last. */
    private static String manyNetworks(boolean wideFirst) {
        StringBuilder b = new StringBuilder();
        String wide = "network wide { subnet 10.250.0.0/16 }\n";
        String lonely = "network lonely { subnet 10.250.7.0/24 }\n";
        for (int i = 0; i < 1999; i++) {
            if (i == 1000) {
                b.append(wideFirst ? wide : lonely);
            }
            b.append("network n").append(i).append(" { subnet 10.").append(i / 10).append('.').append(i % 10)
                    .append(".0/24 }\n");
        }
        b.append(wideFirst ? lonely : wide);
        return b.toString();
    }

    @Test
    void oneOverlapAmongTwoThousandNetworksIsReportedExactlyOnce() {
        List<Diagnostic> d = errors(manyNetworks(true));
        assertEquals(1, d.size(), d.toString());
        Diagnostic e = single(d, DiagnosticCode.SUBNET_OVERLAP);
        assertEquals("subnet 10.250.7.0/24 of network 'lonely' overlaps subnet 10.250.0.0/16 of network 'wide'",
                e.message());
        assertEquals(2001, e.span().line(), "reported at the subnet of the network declared later");
        assertEquals("network lonely { subnet ".length() + 1, e.span().column());
        assertTrue(e.notes().stream().anyMatch(n -> n.message().equals("'wide' is declared at test.net:1001:9")),
                e.notes().toString());
    }

    @Test
    void theLaterDeclaredNetworkIsTheOneReported() {
        List<Diagnostic> d = errors(manyNetworks(false));
        assertEquals(1, d.size(), d.toString());
        assertEquals("subnet 10.250.0.0/16 of network 'wide' overlaps subnet 10.250.7.0/24 of network 'lonely'",
                d.get(0).message());
        assertEquals(2001, d.get(0).span().line());
    }

    @Test
    void adjacentSubnetsDoNotOverlap() {
        ok("""
                network a { subnet 10.0.0.0/25 }
                network b { subnet 10.0.0.128/25 }
                network c { subnet 10.0.1.0/24 }
                network d { subnet fd00::/64 }
                network e { subnet fd00:0:0:1::/64 }
                """);
    }

    @Test
    void identicalAndNestedSubnetsOverlap() {
        List<Diagnostic> d = errors("""
                network a { subnet 10.0.0.0/24 }
                network b { subnet 10.0.0.0/24 }
                network c { subnet 10.0.0.64/26 }
                """);
        assertEquals(2, overlaps(d).size(), d.toString());
        assertEquals(List.of(2, 3), overlaps(d).stream().map(x -> x.span().line()).toList());
    }

    @Test
    void aWideSubnetIsFoundBehindNarrowerOnes() {
        List<Diagnostic> d = errors("""
                network big { subnet 10.0.0.0/8 }
                network mid { subnet 10.1.0.0/16 }
                network far { subnet 10.200.0.0/16 }
                network out { subnet 11.0.0.0/16 }
                """);
        List<Diagnostic> o = overlaps(d);
        assertEquals(2, o.size(), d.toString());
        assertTrue(o.get(0).message().contains("'mid'") && o.get(0).message().contains("'big'"));
        assertTrue(o.get(1).message().contains("'far'") && o.get(1).message().contains("'big'"),
                "10.200.0.0/16 lies after 10.1.0.0/16 but inside 10.0.0.0/8: " + o.get(1).message());
    }

    @Test
    void ipv6SubnetsOverlapToo() {
        List<Diagnostic> d = errors("""
                network a { subnet 10.1.0.0/24 subnet fd00:1::/48 }
                network b { subnet 10.2.0.0/24 subnet fd00:1:0:5::/64 }
                """);
        Diagnostic e = single(d, DiagnosticCode.SUBNET_OVERLAP);
        assertTrue(e.message().contains("fd00:1:0:5::/64") && e.message().contains("fd00:1::/48"), e.message());
    }

    @Test
    void aSubnetInsideTheDefaultBridgeOverlaps() {
        List<Diagnostic> d = errors("""
                network bridge {}
                network x { subnet 172.17.5.0/24 }
                """);
        Diagnostic e = single(d, DiagnosticCode.SUBNET_OVERLAP);
        assertEquals("subnet 172.17.5.0/24 of network 'x' overlaps subnet 172.17.0.0/16 of network 'bridge'",
                e.message());
    }
}
