package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every approved iplink, iplink-teardown and iplink-batch script passes {@code shellcheck -s sh}
 * (all severities) and {@code sh -n}. GoldenTest proves the scripts are what netpolc prints, so
 * this covers every script of every policy. Without shellcheck the test fails in CI and is
 * skipped loudly elsewhere.
 */
class ShellcheckTest {

    @TestFactory
    Stream<DynamicTest> everyIplinkScriptPassesShellcheckAndParses() throws IOException {
        Kernel.requireTools("shellcheck test", "shellcheck", "sh");
        List<Path> scripts = scripts();
        assertFalse(scripts.isEmpty(), "no iplink golden files found under " + Repo.golden());
        List<DynamicTest> tests = new ArrayList<>();
        for (Path script : scripts) {
            String name = Repo.golden().relativize(script).toString();
            tests.add(DynamicTest.dynamicTest(name + " shellcheck", () -> {
                Kernel.Result r = Kernel.run(null, List.of(Kernel.which("shellcheck").toString(), "-s", "sh",
                        "--norc", script.toString()));
                assertEquals(0, r.exitCode(), () -> "shellcheck found problems in " + name + ":\n" + r.out() + r.err());
            }));
            tests.add(DynamicTest.dynamicTest(name + " sh -n", () -> {
                Kernel.Result r = Kernel.run(null, List.of("sh", "-n", script.toString()));
                assertEquals(0, r.exitCode(), () -> "sh cannot parse " + name + ":\n" + r.err());
            }));
        }
        return tests.stream();
    }

    /** The approved golden files of the iplink targets (of every node). */
    static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.walk(Repo.golden())) {
            return s.filter(p -> {
                String f = p.getFileName().toString();
                return f.endsWith(GoldenFiles.APPROVED) && f.contains(".iplink");
            }).sorted().toList();
        }
    }
}
