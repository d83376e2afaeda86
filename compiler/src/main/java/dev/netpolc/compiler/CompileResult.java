package dev.netpolc.compiler;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of compiling a policy: the resolved policy (null when there is any error), every
 * diagnostic sorted by position, the text of every file read (to show source lines), the includes
 * followed, and the real path of every file read (the main file when it has one, and every
 * include), so that a command can refuse to write its output over one of them.
 */
public record CompileResult(Policy policy, List<Diagnostic> diagnostics, Map<String, String> sources,
        List<IncludeSite> includes, List<Path> paths) {

    /**
     * An include statement that was followed: where it stands, the file it named (as displayed),
     * and whether that file had already been read (then the include changed nothing).
     */
    public record IncludeSite(SourceSpan span, String file, boolean repeated) {}

    public CompileResult {
        diagnostics = List.copyOf(diagnostics);
        sources = Map.copyOf(sources);
        includes = List.copyOf(includes);
        paths = List.copyOf(paths);
    }

    /** A result whose files are not known (nothing was read from a file). */
    public CompileResult(Policy policy, List<Diagnostic> diagnostics, Map<String, String> sources,
            List<IncludeSite> includes) {
        this(policy, diagnostics, sources, includes, List.of());
    }

    public boolean hasErrors() {
        return policy == null;
    }
}
