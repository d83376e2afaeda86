package dev.netpolc.compiler.lint;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.ir.Diagnostic;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Runs the compiler's checks and then the enabled lint checks, and sorts what they found. */
public final class Linter {

    private Linter() {}

    /**
     * Every diagnostic of the compilation, plus what the enabled lint checks find when the policy
     * compiled (a policy with errors has no model to lint).
     */
    public static List<Diagnostic> lint(CompileResult result, Set<String> enabledIds) {
        List<Diagnostic> out = new ArrayList<>(result.diagnostics());
        if (result.policy() != null) {
            LintContext ctx = new LintContext(result);
            for (LintCheck c : Checks.ALL) {
                if (enabledIds.contains(c.code().id())) {
                    out.addAll(c.check(ctx));
                }
            }
        }
        Collections.sort(out);
        return List.copyOf(out);
    }
}
