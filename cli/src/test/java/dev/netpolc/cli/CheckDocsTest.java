package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.compiler.lint.Checks;
import dev.netpolc.compiler.lint.LintCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every lint check has its page, and every page a policy in policies/lint that triggers it. */
class CheckDocsTest {

    @Test
    void everyCheckHasAPageAndAnExamplePolicyThatTriggersIt() throws IOException {
        String allFindings = String.join("\n", Repo.validPolicies().stream()
                .filter(p -> Repo.relative(p).startsWith("lint/"))
                .map(p -> Run.netpolc("lint", Repo.display(p)).err()).toList());
        for (LintCheck c : Checks.ALL) {
            Path page = Repo.root().resolve("docs/checks/" + c.code().id() + ".md");
            assertTrue(Files.isRegularFile(page), "missing " + page);
            String text = Files.readString(page);
            for (String section : new String[] {"## What it finds", "## Why it matters", "## How to fix it", "## Example"}) {
                assertTrue(text.contains(section), page + " lacks " + section);
            }
            assertTrue(text.startsWith("# " + c.code().id() + " " + c.name()), page + " has the wrong title");
            assertTrue(allFindings.contains("warning[" + c.code().id() + "]"),
                    "no policy in policies/lint triggers " + c.code().id());
        }
    }
}
