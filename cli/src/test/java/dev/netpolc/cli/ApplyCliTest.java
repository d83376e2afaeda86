package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** apply and status on the command line: wrong use is reported before anything is touched. */
class ApplyCliTest {

    private static final String P = "policies/features/owned-layout.net";

    private static void usage(String expected, String... args) {
        Run r = Run.netpolc(args);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals("", r.out());
    }

    @Test
    void wrongUseIsAUsageError() {
        usage("expected one POLICY", "apply");
        usage("unknown backend 'pf'", "apply", "--backend", "pf", P);
        usage("unknown layout 'mine'", "apply", "--layout", "mine", P);
        usage("--confirm takes a number of seconds from 1 to 86400, not '0'", "apply", "--confirm", "0", P);
        usage("--down takes neither", "apply", "--down", "--confirm", "5");
        usage("--confirmed takes no POLICY", "apply", "--confirmed", P);
        usage("expected one POLICY", "status");
    }

    @Test
    void aNamespaceThatIsNotThereOrBadlyNamedStopsBeforeAnythingRuns() {
        Run bad = Run.netpolc("apply", "--netns", "../x", P);
        assertEquals(3, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("'../x' is not a network namespace name"), bad.err());
        Run missing = Run.netpolc("apply", "--netns", "netpolc-no-such-namespace-here", P);
        assertEquals(3, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Run prefix = Run.netpolc("apply", "--netns-prefix", "a b", "--dry-run", P);
        assertEquals(3, prefix.exitCode(), prefix.err());
        assertTrue(prefix.err().contains("--netns-prefix 'a b'"), prefix.err());
    }

    @Test
    void aPolicyWithErrorsIsReportedAsByCompile() {
        Run r = Run.netpolc("apply", "--netns", "whatever", "policies/invalid/cidr-host-bits.net");
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().contains("error["), r.err());
    }

    @Test
    void aPolicyWithNodesNeedsNodeAndNamesThem() {
        String nodes = "policies/features/overlay-two-hosts.net";
        Run r = Run.netpolc("apply", "--dry-run", nodes);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("the policy declares nodes (node1, node2)") && r.err().contains("--node node1"),
                r.err());
        usage("unknown node 'node3'", "apply", "--dry-run", "--node", "node3", nodes);
        usage("the policy declares no nodes", "apply", "--dry-run", "--node", "node1", P);
        Run st = Run.netpolc("status", "--state-dir", "target/no-such-state", nodes);
        assertEquals(2, st.exitCode(), st.err());
        assertTrue(st.err().contains("the policy declares nodes (node1, node2)"), st.err());
    }

    @Test
    void helpListsTheCommands() {
        Run r = Run.netpolc("--help");
        assertTrue(r.out().contains("apply ") && r.out().contains("status "), r.out());
        Run h = Run.netpolc("help", "apply");
        assertEquals(0, h.exitCode());
        assertTrue(h.out().contains("--confirm SECONDS") && h.out().contains("docs/apply.md"), h.out());
    }
}
