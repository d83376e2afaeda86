package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every policy in policies/ against its golden files: the output of each target (of each node,
 * for a per-node target and a policy with nodes) for policies that compile, and their warnings
 * where they have any; the rendered diagnostics for policies under policies/invalid/.
 */
class GoldenTest {

    @TestFactory
    Stream<DynamicTest> validPoliciesMatchTheirGoldenOutput() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path policy : Repo.validPolicies()) {
            for (Targets.Output o : Targets.of(policy)) {
                tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " " + o.kind(), () -> {
                    Run run = Run.netpolc(o.args(policy));
                    assertEquals(0, run.exitCode(), () -> "compile failed:\n" + run.err());
                    GoldenFiles.verify(Repo.stem(policy), o.kind(), run.out());
                }));
            }
            for (String target : ANNOTATED) {
                for (String node : Targets.hosts(policy)) {
                    tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " -t " + target + " --annotate"
                            + Targets.suffix(node), () -> {
                        Run run = Run.netpolc(Targets.compile(policy, node, "-t", target, "--annotate"));
                        assertEquals(0, run.exitCode(), () -> "compile failed:\n" + run.err());
                        GoldenFiles.verify(Repo.stem(policy), annotatedKind(target, node), run.out());
                    }));
                }
            }
            tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " inspect --format json", () -> {
                Run run = Run.netpolc("inspect", "--format", "json", Repo.display(policy));
                assertEquals(0, run.exitCode(), () -> "inspect failed:\n" + run.err());
                GoldenFiles.verify(Repo.stem(policy), "inspect", run.out());
            }));
            tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " warnings", () -> {
                Run run = Run.netpolc(Targets.compile(policy, Targets.hosts(policy).get(0)));
                if (!run.err().isEmpty()) {
                    GoldenFiles.verify(Repo.stem(policy), "diagnostics", run.err());
                }
            }));
        }
        return tests.stream();
    }

    private static final List<String> OWNED_FROM_COMMAND_LINE = List.of("policies/docker/i-containers.net",
            "policies/features/dual-stack.net", "policies/features/userland-proxy-off.net");

    /** {@code --layout owned} on the command line, for policies whose own layout is Docker's. */
    @TestFactory
    Stream<DynamicTest> ownedLayoutFromTheCommandLine() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : OWNED_FROM_COMMAND_LINE) {
            Path policy = Repo.root().resolve(name);
            for (String target : List.of("iptables", "ip6tables")) {
                tests.add(DynamicTest.dynamicTest(name + " -t " + target + " --layout owned", () -> {
                    Run run = Run.netpolc("compile", "-t", target, "--layout", "owned", Repo.display(policy));
                    assertEquals(0, run.exitCode(), () -> "compile failed:\n" + run.err());
                    GoldenFiles.verify(Repo.stem(policy), target + "-owned", run.out());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> invalidPoliciesReportTheirGoldenDiagnostics() {
        return Repo.invalidPolicies().stream().map(policy -> DynamicTest.dynamicTest(Repo.relative(policy), () -> {
            Run run = Run.netpolc("compile", Repo.display(policy));
            assertEquals(1, run.exitCode(), () -> "an invalid policy must exit 1; stderr:\n" + run.err());
            assertEquals("", run.out(), "nothing may be written to stdout when a policy has errors");
            assertTrue(run.err().contains("error["), "an invalid policy must report an error");
            GoldenFiles.verify(Repo.stem(policy), "diagnostics", run.err());
        }));
    }

    /** The lint findings of every policy, valid or not, in the three formats CI tools read. */
    @TestFactory
    Stream<DynamicTest> lintReportsMatchTheirGoldenFiles() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Path> all = new ArrayList<>(Repo.validPolicies());
        all.addAll(Repo.invalidPolicies());
        for (Path policy : all) {
            tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " lint", () -> {
                Run run = Run.netpolc("lint", Repo.display(policy));
                assertEquals(run.err().contains("error["), run.exitCode() == 1, run.err());
                assertEquals("", run.out(), "text findings go to stderr only");
                GoldenFiles.verify(Repo.stem(policy), "lint", run.err());
            }));
            for (String format : LINT_FORMATS) {
                tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " lint --format " + format, () -> {
                    Run run = Run.netpolc("lint", "--format", format, Repo.display(policy));
                    assertTrue(run.exitCode() == 0 || run.exitCode() == 1, run.err());
                    GoldenFiles.verify(Repo.stem(policy), "lint-" + format, run.out());
                }));
            }
        }
        return tests.stream();
    }

    static final List<String> LINT_FORMATS = List.of("json", "sarif");

    /** The golden kind of a target's annotated output, for one node (null: a policy without nodes). */
    static String annotatedKind(String target, String node) {
        return target + "-annotated" + (node == null ? "" : "@" + node);
    }

    /** The targets whose annotated output is golden-tested too. */
    static final List<String> ANNOTATED = List.of("iptables", "nftables");

    /** What 'netpolc diff' says of each pair of policies in policies/diff, as text and JSON. */
    @TestFactory
    Stream<DynamicTest> diffsMatchTheirGoldenFiles() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : Repo.diffCases()) {
            String oldP = Repo.display(dir.resolve("old.net"));
            String newP = Repo.display(dir.resolve("new.net"));
            String name = "diff/" + dir.getFileName();
            for (String format : List.of("text", "json")) {
                tests.add(DynamicTest.dynamicTest(name + " --format " + format, () -> {
                    Run run = Run.netpolc("diff", "--format", format, oldP, newP);
                    boolean same = dir.getFileName().toString().equals("unchanged");
                    assertEquals(same ? 0 : 1, run.exitCode(), run.err());
                    GoldenFiles.verify(name, format.equals("text") ? "diff" : "diff-json", run.out());
                }));
            }
        }
        return tests.stream();
    }

    /** A golden file without a policy is stale; a policy without golden files was never reviewed. */
    @Test
    void everyGoldenFileHasAPolicyAndEveryPolicyHasGoldenFiles() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (Path policy : Repo.validPolicies()) {
            for (Targets.Output o : Targets.of(policy)) {
                expected.add(Repo.stem(policy) + "." + o.kind() + GoldenFiles.APPROVED);
            }
            expected.add(Repo.stem(policy) + ".inspect" + GoldenFiles.APPROVED);
            for (String target : ANNOTATED) {
                for (String node : Targets.hosts(policy)) {
                    expected.add(Repo.stem(policy) + "." + annotatedKind(target, node) + GoldenFiles.APPROVED);
                }
            }
            expectLint(expected, policy);
            if (!Run.netpolc(Targets.compile(policy, Targets.hosts(policy).get(0))).err().isEmpty()) {
                expected.add(Repo.stem(policy) + ".diagnostics" + GoldenFiles.APPROVED);
            }
        }
        for (Path policy : Repo.invalidPolicies()) {
            expected.add(Repo.stem(policy) + ".diagnostics" + GoldenFiles.APPROVED);
            expectLint(expected, policy);
        }
        for (String name : OWNED_FROM_COMMAND_LINE) {
            for (String target : List.of("iptables", "ip6tables")) {
                expected.add(Repo.stem(Repo.root().resolve(name)) + "." + target + "-owned" + GoldenFiles.APPROVED);
            }
        }
        for (Path dir : Repo.diffCases()) {
            expected.add("diff/" + dir.getFileName() + ".diff" + GoldenFiles.APPROVED);
            expected.add("diff/" + dir.getFileName() + ".diff-json" + GoldenFiles.APPROVED);
        }
        expected.addAll(ExplainGoldenTest.goldenFiles());
        Set<String> actual = new TreeSet<>();
        try (Stream<Path> s = Files.walk(Repo.golden())) {
            s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(GoldenFiles.APPROVED))
                    .forEach(p -> actual.add(Repo.golden().relativize(p).toString().replace('\\', '/')));
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> orphaned = new TreeSet<>(actual);
        orphaned.removeAll(expected);
        assertTrue(missing.isEmpty() && orphaned.isEmpty(), "policies without golden files: " + missing
                + "\ngolden files without a policy (or without the output they hold): " + orphaned);
    }

    private static void expectLint(Set<String> expected, Path policy) {
        expected.add(Repo.stem(policy) + ".lint" + GoldenFiles.APPROVED);
        for (String format : LINT_FORMATS) {
            expected.add(Repo.stem(policy) + ".lint-" + format + GoldenFiles.APPROVED);
        }
    }

    /** The same policy compiles to byte-identical output, run after run. */
    @TestFactory
    Stream<DynamicTest> compilingTwiceGivesIdenticalOutput() {
        return Repo.validPolicies().stream().map(policy -> DynamicTest.dynamicTest(Repo.relative(policy), () -> {
            for (Targets.Output o : Targets.of(policy)) {
                Run first = Run.netpolc(o.args(policy));
                Run second = Run.netpolc(o.args(policy));
                assertEquals(0, first.exitCode(), first.err());
                assertEquals(first.out(), second.out());
                assertEquals(first.err(), second.err());
            }
        }));
    }
}
