package dev.netpolc.compiler;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Policy;
import java.util.List;
import java.util.Map;

/**
 * The outcome of compiling a policy: the resolved policy (null when there is any error), every
 * diagnostic sorted by position, and the text of every file read (to show source lines).
 */
public record CompileResult(Policy policy, List<Diagnostic> diagnostics, Map<String, String> sources) {

    public CompileResult {
        diagnostics = List.copyOf(diagnostics);
        sources = Map.copyOf(sources);
    }

    public boolean hasErrors() {
        return policy == null;
    }
}
