package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.ir.Diagnostic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Set;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;

/**
 * Runs the compiler's checks and then the enabled lint checks, applies the inline suppressions
 * ({@link Suppressions}), and sorts what is left.
 */
public final class Linter {

    private Linter() {}

    /** The id of every warning: the codes {@code --enable} and {@code --disable} take. */
    public static Set<String> warningCodes() {
        Set<String> out = new LinkedHashSet<>();
        for (DiagnosticCode c : DiagnosticCode.values()) {
            if (c.defaultSeverity() == Severity.WARNING) {
                out.add(c.id());
            }
        }
        return out;
    }

    /**
     * Every error of the compilation and its warnings whose code is in {@code enabledIds}, plus
     * what the enabled lint checks find when the policy compiled (a policy with errors has no model
     * to lint), less what inline suppressions suppress, plus what those call for.
     */
    public static List<Diagnostic> lint(CompileResult result, Set<String> enabledIds) {
        List<Diagnostic> found = new ArrayList<>();
        for (Diagnostic d : result.diagnostics()) {
            if (d.isError() || enabledIds.contains(d.code().id())) {
                found.add(d);
            }
        }
        if (result.policy() != null) {
            LintContext ctx = new LintContext(result);
            for (LintCheck c : Checks.ALL) {
                if (enabledIds.contains(c.code().id())) {
                    found.addAll(c.check(ctx));
                }
            }
        }
        List<Diagnostic> out = new ArrayList<>();
        for (Diagnostic d : Suppressions.of(result.sources()).apply(found, result.policy() != null, enabledIds)) {
            if (d.isError() || enabledIds.contains(d.code().id())) {
                out.add(d);
            }
        }
        Collections.sort(out);
        return List.copyOf(out);
    }
}
