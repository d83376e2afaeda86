package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.compiler.diag.DiagnosticRenderer;
import dev.netpolc.compiler.lint.Checks;
import dev.netpolc.compiler.lint.Linter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fuzzing the whole compiler with Jazzer: any input either compiles (and then every backend
 * renders it, plain and annotated, and lint runs) or yields diagnostics and no policy; never an
 * exception, a hang, or a policy together with an error. In the normal test run these run over
 * the seed inputs only; docs/testing.md says how to fuzz for minutes or hours.
 */
class FuzzPolicy {

    private static final Set<String> ALL_CHECKS = Checks.ALL.stream().map(c -> c.code().id()).collect(Collectors.toSet());

    /** When fuzzing, every policy of the repository is a seed (the corpus directory is Jazzer's). */
    @BeforeAll
    static void seedTheCorpus() throws IOException {
        if (System.getenv("JAZZER_FUZZ") == null) {
            return;
        }
        Path corpus = Path.of(".cifuzz-corpus", FuzzPolicy.class.getName(), "compilerNeverThrows");
        Files.createDirectories(corpus);
        List<Path> all = new ArrayList<>(Repo.validPolicies());
        all.addAll(Repo.invalidPolicies());
        try (Stream<Path> s = Files.walk(Repo.policies())) {
            s.filter(p -> p.getFileName().toString().startsWith("_")).forEach(all::add);
        }
        for (Path p : all) {
            Files.copy(p, corpus.resolve("seed-" + Repo.relative(p).replace('/', '_')), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @FuzzTest
    void compilerNeverThrows(FuzzedDataProvider data) {
        check(data.consumeRemainingAsBytes());
    }

    /** The same contract for one input; also used to replay every policy of the repository. */
    static void check(byte[] input) {
        CompileResult r = PolicyCompiler.compileBytes("fuzz.net", input, Path.of("/nonexistent-netpolc-fuzz"));
        boolean errors = r.diagnostics().stream().anyMatch(d -> d.isError());
        assertEquals(errors, r.policy() == null, "a policy is returned exactly when there is no error");
        String rendered = DiagnosticRenderer.render(r.diagnostics(), r.sources());
        assertTrue(rendered.isEmpty() == r.diagnostics().isEmpty());
        Linter.lint(r, ALL_CHECKS);
        if (r.policy() != null) {
            for (Backend b : Backends.all()) {
                // a target that builds one host renders each declared node, as --node would
                List<String> nodes = b.perNode() && !r.policy().nodes().isEmpty()
                        ? r.policy().nodes().stream().map(n -> n.name()).toList() : java.util.Collections.singletonList(null);
                for (String node : nodes) {
                    String out = b.render(r.policy(), new RenderOptions(false, node));
                    assertTrue(out.endsWith("\n"), b.name());
                    assertEquals(out, b.render(r.policy(), new RenderOptions(false, node)), "deterministic");
                    b.render(r.policy(), new RenderOptions(true, node));
                }
            }
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
