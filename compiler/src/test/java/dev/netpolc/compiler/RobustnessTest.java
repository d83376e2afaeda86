package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.container;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whatever the input, the compiler answers with diagnostics, never with an exception; and one
 * mistake gives one diagnostic. The disabled tests expose known compiler bugs.
 */
class RobustnessTest {

    /**
     * A policy that uses most of the language. It has no host or none network: error recovery can
     * give a container's network their driver, which hits the bugs disabled below.
     */
    private static final String SAMPLE = """
            settings { userland-proxy off chain-prefix NETPOL forward-policy drop uplink eth0 }
            network bridge {}
            network front { subnet 10.1.0.0/24 ip-range 10.1.0.128/25 gateway 10.1.0.1 subnet fd00:1::/64 mtu 1400 icc off host-binding 127.0.0.1 }
            network back { subnet 10.2.0.0/24 internal }
            network mv { driver macvlan parent eth0 vlan 10 mode bridge subnet 10.3.0.0/24 }
            container web { attach front ip 10.1.0.200 ip6 fd00:1::10 mac 02:00:00:00:00:01 attach back publish 8080 -> 80 publish 127.0.0.1:5353 -> 53/udp publish 9000-9002 -> 9000-9002 }
            container db { attach back netns dbns }
            container m { attach mv }
            container d { publish 8081 -> 81 }
            """;

    private static void compileWithoutException(String text, List<String> failures) {
        try {
            Compile.result(text);
        } catch (RuntimeException | StackOverflowError e) {
            failures.add(e + "\n--- input ---\n" + text);
        }
    }

    @Test
    void theSampleCompiles() {
        Compile.ok(SAMPLE);
    }

    @Test
    void everyPrefixAndEveryTokenEditOfAPolicyGivesDiagnosticsNotExceptions() {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i <= SAMPLE.length(); i++) {
            compileWithoutException(SAMPLE.substring(0, i), failures);
        }
        String[] tokens = SAMPLE.split("(?<=\\s)|(?=\\s)");
        String[] inserts = {"}", "{", ";", "->", "on", "\"q\"", "\"", "x", "ip", ",", "#", "$"};
        for (int i = 0; i < tokens.length; i++) {
            List<String> t = new ArrayList<>(Arrays.asList(tokens));
            t.remove(i);
            compileWithoutException(String.join("", t), failures);
            for (String w : inserts) {
                t = new ArrayList<>(Arrays.asList(tokens));
                t.set(i, w);
                compileWithoutException(String.join("", t), failures);
                t = new ArrayList<>(Arrays.asList(tokens));
                t.add(i, " " + w + " ");
                compileWithoutException(String.join("", t), failures);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " inputs threw; the first:\n" + failures.get(0));
        }
    }

    @Test
    void aContainerOnTheHostNetworkCompiles() {
        CompileResult r = assertDoesNotThrow(() -> Compile.result("""
                network host { driver host }
                container h { attach host publish 80 -> 80 }
                """));
        assertNotNull(r.policy(), () -> Compile.render(r));
        assertEquals(List.of(DiagnosticCode.PUBLISH_IGNORED), codes(r.diagnostics()));
        assertEquals(Severity.WARNING, r.diagnostics().get(0).severity());
        Container h = container(r.policy(), "h");
        assertTrue(h.published().isEmpty());
        assertNull(h.gatewayNetwork());
        for (Attachment a : h.attachments()) {
            assertNull(a.hostVeth());
            assertNull(a.ipv4());
            assertNull(a.mac());
        }
    }

    @Test
    void aContainerOnTheNoneNetworkCompiles() {
        CompileResult r = assertDoesNotThrow(() -> Compile.result("""
                network none { driver none }
                container n { attach none }
                """));
        assertNotNull(r.policy(), () -> Compile.render(r));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
        assertNull(container(r.policy(), "n").gatewayNetwork());
    }

    @Test
    void theHostNetworkWithAnotherNetworkIsNP2038() {
        CompileResult r = assertDoesNotThrow(() -> Compile.result("""
                network host { driver host }
                network b { subnet 10.0.0.0/24 }
                container c { attach host attach b }
                """));
        assertNull(r.policy());
        assertEquals(List.of(DiagnosticCode.EXCLUSIVE_NETWORK), codes(r.diagnostics()));
    }

    @Test
    void anOverlayNetworkWithoutUnderlayIsADiagnostic() {
        CompileResult r = assertDoesNotThrow(() -> Compile.result("""
                network o { driver overlay }
                container c { attach o }
                """));
        if (r.policy() == null) {
            Diagnostic d = Compile.single(r.diagnostics(), DiagnosticCode.MISSING_ATTRIBUTE);
            assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
            assertEquals(1, d.span().line());
            assertEquals(9, d.span().column(), "point at the network, as for a macvlan network without parent");
        }
    }

    @Test
    void aBrokenAttachIsReportedOnlyAsASyntaxError() {
        List<Diagnostic> d = Compile.errors("""
                network n { subnet 10.0.0.0/24 }
                container c { attach n ip }
                """);
        assertEquals(List.of(DiagnosticCode.SYNTAX_ERROR), codes(d), d.toString());
    }

    @Test
    void aMissingToggleIsReportedOnce() {
        List<Diagnostic> d = Compile.errors("network n { icc }\n");
        assertEquals(1, d.size(), d.toString());
    }
}
