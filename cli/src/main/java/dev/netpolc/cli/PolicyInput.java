package dev.netpolc.cli;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.compiler.diag.DiagnosticRenderer;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads and compiles the policy a command names (a file, or - for standard input), reporting on stderr. */
final class PolicyInput {

    private PolicyInput() {}

    /**
     * The compiled policy, or null and the exit code to return; and the real path of every file
     * read (the policy file when it has one, every include), to refuse an output over one of them.
     */
    record Loaded(Policy policy, int exitCode, List<Path> paths) {}

    /**
     * Compiles {@code argument}, prints its diagnostics to stderr and returns the policy; when the
     * policy cannot be read or has errors, prints why and returns null with the exit code.
     */
    static Loaded load(String argument, Io io) {
        CompileResult result;
        try {
            result = compile(argument, io);
        } catch (IOException e) {
            io.err().println("netpolc: cannot read '" + display(argument) + "'" + reason(e));
            return new Loaded(null, ExitCode.IO_OR_INTERNAL, List.of());
        }
        io.err().print(DiagnosticRenderer.render(result.diagnostics(), result.sources()));
        if (result.hasErrors()) {
            io.err().println("netpolc: " + DiagnosticRenderer.summary(result.diagnostics()) + "; nothing was written");
            return new Loaded(null, ExitCode.POLICY_ERRORS, result.paths());
        }
        return new Loaded(result.policy(), ExitCode.OK, result.paths());
    }

    /** How a policy argument is named in messages: the path, or {@code <stdin>} for "-". */
    static String display(String argument) {
        return argument.equals("-") ? "<stdin>" : argument;
    }

    /**
     * Whether a policy declares nothing: no network, container, node or policy rule (settings,
     * sets and comments alone are nothing). Its firewall output is the bare skeleton, which
     * would flush the tables it is loaded into: {@code compile} and {@code apply} refuse it
     * unless {@code --allow-empty} is given.
     */
    static boolean declaresNothing(Policy policy) {
        return policy.networks().isEmpty() && policy.containers().isEmpty() && policy.nodes().isEmpty()
                && policy.rules().isEmpty();
    }

    /**
     * Reads and compiles a policy file, or standard input for "-" (never more than the size
     * limit, and checked for UTF-8 like a file). A file that is not a regular file (a FIFO,
     * bash's {@code <(...)} as {@code /dev/fd/63}) is read like standard input: its includes are
     * relative to the working directory.
     *
     * @throws IOException when it cannot be read, is too large or is not UTF-8
     */
    static CompileResult compile(String argument, Io io) throws IOException {
        if (!argument.equals("-")) {
            return PolicyCompiler.compileFile(io.cwd().resolve(argument), argument, io.cwd());
        }
        byte[] bytes = io.in().readNBytes(PolicyCompiler.readLimit());
        String problem = PolicyCompiler.readProblem(bytes);
        if (problem != null) {
            throw new IOException(problem);
        }
        return PolicyCompiler.compileBytes("<stdin>", bytes, io.cwd());
    }

    /** Why an I/O operation failed, as the end of a one-line message. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return ": no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return ": permission denied";
        }
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            // the reason alone: the message would repeat the path, which the caller names already
            return ": " + ((FileSystemException) e).getReason();
        }
        String m = e.getMessage();
        return m == null ? "" : ": " + m;
    }
}
