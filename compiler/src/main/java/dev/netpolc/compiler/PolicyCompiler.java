package dev.netpolc.compiler;

import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.resolve.Resolver;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;

/**
 * The front door of the compiler: reads a policy, parses it and its includes, and resolves it.
 * Parsing stops nothing: resolution runs on whatever parsed, so one run reports as many mistakes
 * as it can. A policy is returned only when there is no error at all.
 */
public final class PolicyCompiler {

    private PolicyCompiler() {}

    /**
     * Compiles the file at {@code path}, shown in diagnostics as {@code displayName}; a file that
     * is not a regular file is read as a stream, with includes relative to the current directory
     * (see {@link #compileFile(Path, String, Path)}).
     *
     * @throws IOException when the main file cannot be read (a missing include is a diagnostic)
     */
    public static CompileResult compileFile(Path path, String displayName) throws IOException {
        return compileFile(path, displayName, Path.of("").toAbsolutePath());
    }

    /**
     * Compiles the file at {@code path}, shown in diagnostics as {@code displayName}. The file is
     * read with a bound, whatever it is: a regular file, a FIFO, a pipe named {@code /dev/fd/N}
     * (bash's {@code <(...)}), a device or a {@code /proc} file. A regular file's includes are
     * relative to its own directory; anything else is a stream without a directory, read like
     * standard input: its includes are relative to {@code workingDir}.
     *
     * @throws IOException when the main file cannot be read, is too large or is not UTF-8 (a
     *     missing include is a diagnostic)
     */
    public static CompileResult compileFile(Path path, String displayName, Path workingDir) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException("it is a directory");
        }
        boolean regular = Files.isRegularFile(path);
        byte[] bytes = PolicyLoader.readBounded(path);
        if (bytes.length > PolicyLoader.MAX_FILE_BYTES) {
            throw new IOException("it is " + PolicyLoader.sizeOverLimit(path) + "; policy files are limited to "
                    + PolicyLoader.MAX_FILE_BYTES + " bytes (split it with include)");
        }
        String bad = PolicyLoader.utf8Problem(bytes);
        if (bad != null) {
            throw new IOException(bad);
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            // a pipe: /dev/fd/63 is a link to "pipe:[1234]", which names no file
            real = null;
        }
        if (regular && real != null) {
            return compile(displayName, bytes, real, real.getParent(), false);
        }
        return compile(displayName, bytes, real, workingDir, true);
    }

    /** The most bytes of a policy that are read: one more than {@link PolicyLoader#MAX_FILE_BYTES}. */
    public static int readLimit() {
        return (int) PolicyLoader.MAX_FILE_BYTES + 1;
    }

    /** Why bytes cannot be a policy (too large, not UTF-8), as a sentence, or null when they can. */
    public static String readProblem(byte[] bytes) {
        if (bytes.length > PolicyLoader.MAX_FILE_BYTES) {
            return "it is larger than " + PolicyLoader.MAX_FILE_BYTES + " bytes, the limit for a policy file (split it with include)";
        }
        return PolicyLoader.utf8Problem(bytes);
    }

    /** Compiles text that has no file (standard input); includes are relative to {@code baseDir}. */
    public static CompileResult compileBytes(String displayName, byte[] bytes, Path baseDir) {
        if (bytes.length > PolicyLoader.MAX_FILE_BYTES) {
            Diagnostics diags = new Diagnostics();
            diags.report(DiagnosticCode.FILE_TOO_LARGE, new SourceSpan(displayName, 1, 1, 1), "the policy is " + bytes.length
                    + " bytes; policy files are limited to " + PolicyLoader.MAX_FILE_BYTES + " bytes",
                    Note.help("split the policy with include; each file has the limit"));
            return new CompileResult(null, diags.sorted(), java.util.Map.of(), java.util.List.of());
        }
        return compile(displayName, bytes, null, baseDir, true);
    }

    /** Compiles a policy given as a string, for tests and tools. */
    public static CompileResult compileString(String displayName, String text, Path baseDir) {
        return compile(displayName, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, baseDir, false);
    }

    private static CompileResult compile(String displayName, byte[] bytes, Path real, Path baseDir, boolean stream) {
        Diagnostics diags = new Diagnostics();
        PolicyLoader loader = new PolicyLoader(diags);
        String text = loader.decode(bytes, displayName);
        Policy policy = null;
        if (text != null) {
            loader.loadMain(displayName, text, real, baseDir, stream);
            policy = new Resolver(diags).resolve(new ArrayList<>(loader.sources().keySet()), loader.blocks(), loader.defines(),
                    loader.rules());
        }
        return new CompileResult(diags.hasErrors() ? null : policy, diags.sorted(), loader.sources(), loader.includes(),
                loader.paths());
    }
}
