package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user copies first must be clean: README's first example policy and every policy
 * under policies/examples/ pass {@code netpolc lint --fail-on warning}.
 */
class ExamplesLintTest {

    @TempDir
    Path dir;

    /** The first fenced block under README's "A short tour". */
    static String readmeExample() throws IOException {
        String readme = Files.readString(Repo.root().resolve("README.md"));
        int tour = readme.indexOf("## A short tour");
        assertTrue(tour >= 0, "README has its tour");
        int open = readme.indexOf("```\n", tour);
        int close = readme.indexOf("\n```", open + 4);
        return readme.substring(open + 4, close + 1);
    }

    @Test
    void readmesFirstExamplePassesLintFailOnWarning() throws IOException {
        String example = readmeExample();
        assertTrue(example.contains("network") && example.contains("container"), example);
        Files.writeString(dir.resolve("readme.net"), example);
        Run run = Run.netpolcIn(dir, new byte[0], "lint", "--fail-on", "warning", "readme.net");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("no problems found"), run.err());
    }

    @Test
    void everyExamplePolicyPassesLintFailOnWarning() throws IOException {
        List<String> examples = new ArrayList<>();
        try (Stream<Path> s = Files.list(Repo.policies().resolve("examples"))) {
            s.filter(p -> p.toString().endsWith(".net")).sorted().forEach(p -> examples.add(Repo.display(p)));
        }
        assertTrue(examples.size() >= 4, examples.toString());
        Run run = Run.netpolc("lint", "--fail-on", "warning", "policies/examples");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("no problems found in " + examples.size() + " policies"), run.err());
    }
}
