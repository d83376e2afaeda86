package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.container;
import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Multi-host policies: node blocks and the container attribute 'node'. */
class NodeTest {

    private static final String TWO_NODES = """
            node node1 { address 192.0.2.11; underlay eth1 }
            node node2 { address 192.0.2.12 }
            network mesh { driver overlay; subnet 10.90.0.0/24 }
            """;

    @Test
    void nodesAreResolvedInDeclarationOrderAndContainersKeepTheirNode() {
        Policy p = ok(TWO_NODES + """
                container b { attach mesh; node node2 }
                container a { attach mesh; node node1 }
                """);
        assertEquals(List.of("node1", "node2"), p.nodes().stream().map(Node::name).toList());
        Node n1 = p.node("node1").orElseThrow();
        assertEquals("192.0.2.11", n1.address().text());
        assertEquals("eth1", n1.underlay());
        assertNull(p.node("node2").orElseThrow().underlay(), "the underlay is optional");
        assertEquals("node2", container(p, "b").node());
        assertEquals("node1", container(p, "a").node());
    }

    @Test
    void aPolicyWithoutNodesHasNone() {
        Policy p = ok("network bridge {}\ncontainer web {}\n");
        assertTrue(p.nodes().isEmpty());
        assertNull(container(p, "web").node());
    }

    @Test
    void anIpv6NodeAddressIsKeptInCanonicalForm() {
        Policy p = ok("""
                node a { address FD00:0:0::11 }
                node b { address fd00::12 }
                network bridge {}
                container web { node a }
                """);
        assertEquals("fd00::11", p.node("a").orElseThrow().address().text());
    }

    @Test
    void anUndefinedNodeSuggestsTheClosestOne() {
        List<Diagnostic> d = errors(TWO_NODES + "container a { attach mesh; node nod1 }\n");
        Diagnostic e = single(d, DiagnosticCode.UNDEFINED_NODE);
        assertEquals("undefined node 'nod1'", e.message());
        assertEquals(4, e.span().line());
        assertTrue(e.notes().stream().anyMatch(n -> n.message().equals("did you mean 'node1'?")), e.notes().toString());
        assertEquals(List.of(DiagnosticCode.UNDEFINED_NODE), codes(d), "no second error for the same mistake");
    }

    @Test
    void aNodeInAPolicyWithoutNodesIsUndefined() {
        Diagnostic e = single(errors("network bridge {}\ncontainer a { node edge }\n"), DiagnosticCode.UNDEFINED_NODE);
        assertTrue(e.notes().get(e.notes().size() - 1).message().contains("node edge { address"), e.notes().toString());
    }

    @Test
    void aNodeDeclaredTwiceIsReportedAtTheSecond() {
        Diagnostic e = single(errors(TWO_NODES + "node node1 { address 192.0.2.13 }\ncontainer a { attach mesh; node node1 }\n"),
                DiagnosticCode.DUPLICATE_NODE);
        assertEquals(4, e.span().line());
    }

    @Test
    void nodeAddressesMustBeUnicastUniqueAndOfOneFamily() {
        for (String bad : List.of("not-an-address", "192.0.2.0/24", "0.0.0.0", "127.0.0.1", "224.0.0.1",
                "255.255.255.255", "::", "::1", "ff02::1", "fe80::1")) {
            List<Diagnostic> d = errors("node a { address \"" + bad + "\" }\nnetwork bridge {}\ncontainer c { node a }\n");
            assertEquals(List.of(DiagnosticCode.INVALID_NODE_ADDRESS), codes(d), bad);
        }
        Diagnostic same = single(errors(TWO_NODES + "node node3 { address 192.0.2.11 }\ncontainer c { attach mesh; node node3 }\n"),
                DiagnosticCode.INVALID_NODE_ADDRESS);
        assertTrue(same.message().contains("already the address of node 'node1'"), same.message());
        Diagnostic family = single(errors(TWO_NODES + "node node3 { address fd00::3 }\ncontainer c { attach mesh; node node3 }\n"),
                DiagnosticCode.FAMILY_MISMATCH);
        assertEquals(4, family.span().line());
    }

    @Test
    void aNodeNeedsAnAddress() {
        Diagnostic e = single(errors("node a { underlay eth0 }\nnetwork bridge {}\ncontainer c { node a }\n"),
                DiagnosticCode.MISSING_ATTRIBUTE);
        assertEquals("node 'a' has no address", e.message());
    }

    @Test
    void aNodeUnderlayMustBeAnInterfaceName() {
        single(errors("node a { address 192.0.2.1; underlay \"eth 0\" }\nnetwork bridge {}\ncontainer c { node a }\n"),
                DiagnosticCode.INVALID_INTERFACE_NAME);
    }

    @Test
    void withNodesEveryContainerNamesItsNode() {
        Diagnostic e = single(errors(TWO_NODES + "container a { attach mesh }\n"), DiagnosticCode.MISSING_ATTRIBUTE);
        assertEquals("container 'a' has no node, but the policy declares nodes", e.message());
        // A misspelt 'node' is reported once, as an unknown attribute, not also as a missing node.
        assertEquals(List.of(DiagnosticCode.UNKNOWN_ATTRIBUTE), codes(errors(TWO_NODES + "container a { attach mesh; nod node1 }\n")));
    }

    @Test
    void nodeAttributesBelongInTheirBlocks() {
        Diagnostic inNetwork = single(errors("network n { node a }\n"), DiagnosticCode.UNKNOWN_ATTRIBUTE);
        assertTrue(inNetwork.notes().get(0).message().contains("belongs in a container block"), inNetwork.notes().toString());
        Diagnostic inContainer = single(errors("network bridge {}\ncontainer c { address 10.0.0.1 }\n"),
                DiagnosticCode.UNKNOWN_ATTRIBUTE);
        assertTrue(inContainer.notes().get(0).message().contains("belongs in a node block"), inContainer.notes().toString());
    }

    @Test
    void nodeAndAddressAreKeywordsAndMustBeQuotedAsNames() {
        Policy p = ok("network \"node\" {}\nnetwork \"address\" {}\ncontainer c { attach \"node\" }\n");
        assertEquals("node", p.networks().get(0).name());
        assertEquals(List.of(DiagnosticCode.SYNTAX_ERROR),
                codes(errors("network node {}\n")).stream().distinct().toList());
    }

    @Test
    void peersMustHaveTheFamilyOfTheNodes() {
        Diagnostic e = single(errors("""
                node a { address 192.0.2.1 }
                network mesh { driver overlay; peers 192.0.2.9, fd00::9 }
                container c { attach mesh; node a }
                """), DiagnosticCode.FAMILY_MISMATCH);
        assertEquals(2, e.span().line());
        assertEquals(49, e.span().column(), "the peer of the wrong family is underlined");
    }
}
