package dev.netpolc.compiler;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import java.util.List;
import java.util.Map;

/**
 * The outcome of compiling a policy: the resolved policy (null when there is any error), every
 * diagnostic sorted by position, and the text of every file read (to show source lines).
 */
public record CompileResult(Policy policy, List<Diagnostic> diagnostics, Map<String, String> sources,
        List<IncludeSite> includes) {

    /**
     * An include statement that was followed: where it stands, the file it named (as displayed),
     * and whether that file had already been read (then the include changed nothing).
     */
    public record IncludeSite(SourceSpan span, String file, boolean repeated) {}

    public CompileResult {
        diagnostics = List.copyOf(diagnostics);
        sources = Map.copyOf(sources);
        includes = List.copyOf(includes);
    }

    public boolean hasErrors() {
        return policy == null;
    }
}
