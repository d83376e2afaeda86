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
 * Loads every policy's iptables and ip6tables output into a throw-away network namespace with iptables-restore
 * (both the nf_tables and the legacy flavour), reads it back with iptables-save (ip6tables-save), and requires the
 * same rules back, table by table. This proves the kernel accepts every rule and that the output
 * is written exactly as iptables-save prints it.
 */
@Tag("kernel")
class KernelRoundTripTest {

    @TestFactory
    Stream<DynamicTest> iptablesRestoreThenSaveGivesTheSameRules() {
        Kernel.require("ip", "iptables-nft-restore", "iptables-nft-save", "iptables-legacy-restore",
                "iptables-legacy-save", "ip6tables-nft-restore", "ip6tables-nft-save", "ip6tables-legacy-restore",
                "ip6tables-legacy-save");
        List<DynamicTest> tests = new ArrayList<>();
        for (Path policy : Repo.validPolicies()) {
            for (String node : Targets.hosts(policy)) {
                for (String target : List.of("iptables", "ip6tables")) {
                    for (String flavour : List.of("nft", "legacy")) {
                        tests.add(roundTrip(policy, node, target, flavour, false));
                    }
                }
                tests.add(roundTrip(policy, node, "iptables", "nft", true));
                tests.add(roundTrip(policy, node, "iptables", "nft", false, "owned"));
                tests.add(roundTrip(policy, node, "ip6tables", "legacy", false, "owned"));
            }
        }
        return tests.stream();
    }

    private static DynamicTest roundTrip(Path policy, String node, String target, String flavour, boolean annotate) {
        return roundTrip(policy, node, target, flavour, annotate, null);
    }

    /** {@code layout}: the --layout option, or null for the policy's own. */
    private static DynamicTest roundTrip(Path policy, String node, String target, String flavour, boolean annotate,
            String layout) {
        String tool = target + "-" + flavour;
        List<String> args = new ArrayList<>(List.of("-t", target));
        if (annotate) {
            args.add("--annotate");
        }
        if (layout != null) {
            args.addAll(List.of("--layout", layout));
        }
        return DynamicTest.dynamicTest(Repo.relative(policy) + Targets.suffix(node) + " " + tool + (annotate ? " --annotate" : "")
                + (layout != null ? " --layout " + layout : ""), () -> {
                    Run run = Run.netpolc(Targets.compile(policy, node, args.toArray(String[]::new)));
                    assertEquals(0, run.exitCode(), run.err());
                    try (Kernel.Netns ns = new Kernel.Netns()) {
                        Kernel.Result restore = ns.exec(run.out(), tool + "-restore");
                        assertEquals(0, restore.exitCode(), () -> tool + "-restore refused the output:\n"
                                + restore.err());
                        Kernel.Result save = ns.exec(null, tool + "-save");
                        assertEquals(0, save.exitCode(), save.err());
                        IptablesSave expected = IptablesSave.parse(run.out());
                        IptablesSave actual = IptablesSave.parse(save.out());
                        for (String table : expected.tables().keySet()) {
                            assertEquals(expected.tables().get(table), actual.tables().get(table),
                                    "table " + table + " after restore and save");
                        }
                    }
                });
    }
}
