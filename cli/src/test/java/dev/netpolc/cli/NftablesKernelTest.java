package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Loads every policy's nftables output with {@code nft -f} in a throw-away network namespace and
 * lists the table again: the listing must be byte for byte the table part of the file (after the
 * comment and the two lines that replace the table). Loading twice must work (the file replaces
 * its table) and must leave other tables alone.
 */
@Tag("kernel")
class NftablesKernelTest {

    @TestFactory
    Stream<DynamicTest> loadingAndListingGivesTheSameTextBack() {
        Kernel.require("ip", "nft");
        return Repo.validPolicies().stream().flatMap(p -> Targets.hosts(p).stream()
                .flatMap(node -> Stream.of(roundTrip(p, node, false), roundTrip(p, node, true))));
    }

    private static DynamicTest roundTrip(Path policy, String node, boolean annotate) {
        return DynamicTest.dynamicTest(Repo.relative(policy) + Targets.suffix(node) + (annotate ? " --annotate" : ""), () -> {
            Run run = annotate ? Run.netpolc(Targets.compile(policy, node, "-t", "nftables", "--annotate"))
                    : Run.netpolc(Targets.compile(policy, node, "-t", "nftables"));
            assertEquals(0, run.exitCode(), run.err());
            String table = tablePart(run.out());
            String name = table.substring("table inet ".length(), table.indexOf(" {"));
            try (Kernel.Netns ns = new Kernel.Netns()) {
                Kernel.Result check = ns.exec(run.out(), "nft", "-c", "-f", "-");
                assertEquals(0, check.exitCode(), () -> "nft -c refused the output:\n" + check.err());
                Kernel.Result load = ns.exec(run.out(), "nft", "-f", "-");
                assertEquals(0, load.exitCode(), () -> "nft -f refused the output:\n" + load.err());
                Kernel.Result list = ns.exec(null, "nft", "list", "table", "inet", name);
                assertEquals(0, list.exitCode(), list.err());
                assertEquals(table, list.out());
            }
        });
    }

    @Test
    void reloadingReplacesOnlyItsOwnTable() {
        Kernel.require("ip", "nft");
        Path policy = Repo.policies().resolve("docker/i-containers.net");
        String rules = Run.netpolc("compile", "-t", "nftables", Repo.display(policy)).out();
        String other = "table inet other {\n\tchain c {\n\t\ttype filter hook input priority filter; policy accept;\n"
                + "\t\ttcp dport 22 accept\n\t}\n}\n";
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertEquals(0, ns.exec(other, "nft", "-f", "-").exitCode());
            assertEquals(0, ns.exec(rules, "nft", "-f", "-").exitCode());
            Kernel.Result again = ns.exec(rules, "nft", "-f", "-");
            assertEquals(0, again.exitCode(), again.err());
            assertEquals(other, ns.exec(null, "nft", "list", "table", "inet", "other").out(), "a foreign table is untouched");
            assertEquals(tablePart(rules), ns.exec(null, "nft", "list", "table", "inet", "netpolc").out());
            Kernel.Result tables = ns.exec(null, "nft", "list", "tables");
            assertEquals(List.of("table inet other", "table inet netpolc"), tables.out().lines().toList());
        }
    }

    /** The file without its leading comment and the declare/delete lines. */
    static String tablePart(String file) {
        int start = file.indexOf("\ntable inet ", file.indexOf("\ndelete table ") + 1);
        assertTrue(start > 0, "no table definition in:\n" + file);
        return file.substring(start + 1);
    }
}
