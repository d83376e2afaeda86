package dev.netpolc.compiler;

import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.resolve.Resolver;
import dev.netpolc.ir.Policy;
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
     * Compiles the file at {@code path}, shown in diagnostics as {@code displayName}.
     *
     * @throws IOException when the main file cannot be read (a missing include is a diagnostic)
     */
    public static CompileResult compileFile(Path path, String displayName) throws IOException {
        if (Files.isDirectory(path)) {
            throw new IOException(displayName + ": is a directory");
        }
        byte[] bytes = Files.readAllBytes(path);
        Path real = path.toRealPath();
        return compile(displayName, bytes, real, real.getParent());
    }

    /** Compiles text that has no file (standard input); includes are relative to {@code baseDir}. */
    public static CompileResult compileBytes(String displayName, byte[] bytes, Path baseDir) {
        return compile(displayName, bytes, null, baseDir);
    }

    /** Compiles a policy given as a string, for tests and tools. */
    public static CompileResult compileString(String displayName, String text, Path baseDir) {
        return compile(displayName, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, baseDir);
    }

    private static CompileResult compile(String displayName, byte[] bytes, Path real, Path baseDir) {
        Diagnostics diags = new Diagnostics();
        PolicyLoader loader = new PolicyLoader(diags);
        String text = loader.decode(bytes, displayName);
        Policy policy = null;
        if (text != null) {
            loader.loadMain(displayName, text, real, baseDir);
            policy = new Resolver(diags).resolve(new ArrayList<>(loader.sources().keySet()), loader.blocks());
        }
        return new CompileResult(diags.hasErrors() ? null : policy, diags.sorted(), loader.sources(), loader.includes());
    }
}
