package dev.netpolc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.netpolc.compiler.lint.Linter;
import dev.netpolc.ir.Diagnostic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Inline suppression comments are read in one pass, whatever a line holds. */
class SuppressionsTest {

    @Test
    void aHugeCommentLineIsReadInLinearTime() {
        String line = "# netpolc: ignore NP3010" + " ".repeat(200_000) + "x" + " \t".repeat(200_000) + "-\n";
        CompileResult r = PolicyCompiler.compileString("s.net", line + "network bridge {}\ncontainer c {}\n", Path.of("."));
        List<Diagnostic> found = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Linter.lint(r, Linter.warningCodes()));
        // no reason ('-' is not '--'), and nothing suppressed
        assertEquals(List.of("NP3016", "NP3017"), found.stream().map(d -> d.code().id()).sorted().toList());
    }
}
