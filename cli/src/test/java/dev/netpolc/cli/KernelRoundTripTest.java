package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Loads every policy's iptables output into a throw-away network namespace with iptables-restore
 * (both the nf_tables and the legacy flavour), reads it back with iptables-save, and requires the
 * same rules back, table by table. This proves the kernel accepts every rule and that the output
 * is written exactly as iptables-save prints it.
 */
@Tag("kernel")
class KernelRoundTripTest {

    @TestFactory
    Stream<DynamicTest> iptablesRestoreThenSaveGivesTheSameRules() {
        Kernel.require("ip", "iptables-nft-restore", "iptables-nft-save", "iptables-legacy-restore",
                "iptables-legacy-save");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path policy : Repo.validPolicies()) {
            for (String flavour : List.of("nft", "legacy")) {
                tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " iptables-" + flavour, () -> {
                    Run run = Run.netpolc("compile", "-t", "iptables", Repo.display(policy));
                    assertEquals(0, run.exitCode(), run.err());
                    try (Kernel.Netns ns = new Kernel.Netns()) {
                        Kernel.Result restore = ns.exec(run.out(), "iptables-" + flavour + "-restore");
                        assertEquals(0, restore.exitCode(), () -> "iptables-" + flavour + "-restore refused the output:\n"
                                + restore.err());
                        Kernel.Result save = ns.exec(null, "iptables-" + flavour + "-save");
                        assertEquals(0, save.exitCode(), save.err());
                        IptablesSave expected = IptablesSave.parse(run.out());
                        IptablesSave actual = IptablesSave.parse(save.out());
                        for (String table : expected.tables().keySet()) {
                            assertEquals(expected.tables().get(table), actual.tables().get(table),
                                    "table " + table + " after restore and save");
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }
}
