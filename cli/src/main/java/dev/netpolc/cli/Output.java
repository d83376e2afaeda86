package dev.netpolc.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Where a command writes its result: standard output, or the {@code FILE} of {@code -o FILE}.
 * Every command with {@code -o}/{@code --output} goes through here, so they all treat a file
 * alike:
 *
 * <ul>
 *   <li>a regular file, or one that does not exist, is replaced atomically ({@link AtomicFile});
 *       a symbolic link is followed, and the file it points to is replaced;
 *   <li>a character or block device, FIFO or socket is opened and written in place (no temporary
 *       file, no rename), so {@code -o /dev/null} or {@code -o /dev/stdout} stays what it is;
 *   <li>a directory is an error (exit code 3), and nothing is written;
 *   <li>the policy itself, or a file it includes, is refused before anything is written (exit
 *       code 2), see {@link #refuseInputs}.
 * </ul>
 *
 * <p>On standard output, a reader that goes away (a broken pipe) ends the command quietly with
 * exit code 141; any other failure to write is reported with exit code 3.
 */
final class Output {

    /**
     * The text goes out in pieces of this many characters: a script for 100,000 containers is
     * 70 MB, and encoding it whole meant a second copy of that size (0.2 s with the page faults
     * of fresh memory).
     */
    private static final int PIECE = 1 << 16;

    private final String name;
    private final Path path;

    private Output(String name, Path path) {
        this.name = name;
        this.path = path;
    }

    /** The output named by the value of {@code -o} ({@code null} or {@code -} for standard output). */
    static Output of(String option, Io io) {
        if (option == null || option.equals("-")) {
            return new Output(null, null);
        }
        return new Output(option, io.cwd().resolve(option));
    }

    /**
     * Refuses, as a usage error, an output file that is one of the command's inputs: the policy
     * named by {@code policyArgument} ({@code -} is standard input, never a file), or any file in
     * {@code read} (the files the policy includes). Files are compared by identity (device and
     * inode, {@link Files#isSameFile}), so another spelling, a symbolic or a hard link is caught.
     */
    void refuseInputs(String command, String policyArgument, List<Path> read, Io io) throws UsageException {
        if (path == null) {
            return;
        }
        if (!policyArgument.equals("-") && same(io.cwd().resolve(policyArgument))) {
            throw new UsageException(command + ": the output file '" + name + "' is the policy '" + policyArgument
                    + "' itself; nothing was written (choose another output file)");
        }
        for (Path p : read) {
            if (same(p)) {
                throw new UsageException(command + ": the output file '" + name + "' is '" + shown(p, io)
                        + "', which the policy '" + PolicyInput.display(policyArgument)
                        + "' includes; nothing was written (choose another output file)");
            }
        }
    }

    private boolean same(Path input) {
        try {
            return Files.isSameFile(input, path);
        } catch (IOException | SecurityException e) {
            // the output does not exist (yet), or cannot be looked at: it is not that input
            return false;
        }
    }

    /** A path read, relative to the working directory when it is inside it. */
    private static String shown(Path p, Io io) {
        try {
            Path cwd = io.cwd().toRealPath();
            if (p.startsWith(cwd) && !p.equals(cwd)) {
                return cwd.relativize(p).toString();
            }
        } catch (IOException e) {
            // show it whole
        }
        return p.toString();
    }

    /** Writes {@code text} and returns the exit code; a failure is reported on standard error. */
    int write(String text, Io io) {
        if (path == null) {
            return toStdout(text, io);
        }
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            attrs = null; // a new file (or a link to one that does not exist yet)
        } catch (IOException | SecurityException e) {
            return failed(io, e instanceof IOException ? (IOException) e : new IOException(e.getMessage()),
                    "; nothing was written");
        }
        if (attrs != null && attrs.isDirectory()) {
            return failed(io, new IOException("it is a directory"), "; nothing was written");
        }
        if (attrs != null && attrs.isOther()) {
            // a device, FIFO or socket: written in place, as a shell's redirection would
            try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.WRITE)) {
                writePieces(text, out);
            } catch (IOException e) {
                return failed(io, e, "");
            }
            return ExitCode.OK;
        }
        try {
            AtomicFile.write(path, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return failed(io, e, "; the file was left as it was");
        }
        return ExitCode.OK;
    }

    private int failed(Io io, IOException e, String after) {
        io.err().println("netpolc: cannot write '" + name + "'" + PolicyInput.reason(e) + after);
        return ExitCode.IO_OR_INTERNAL;
    }

    private static int toStdout(String text, Io io) {
        PrintStream out = io.out();
        try {
            writePieces(text, out);
        } catch (IOException e) {
            // PrintStream does not throw; checkError below says whether it failed
        }
        out.flush();
        if (out.checkError()) {
            if (Stdout.brokenPipe(out)) {
                // the reader has all it wanted (| head): end quietly, as a filter ended by SIGPIPE
                return ExitCode.BROKEN_PIPE;
            }
            io.err().println("netpolc: cannot write to standard output");
            return ExitCode.IO_OR_INTERNAL;
        }
        return ExitCode.OK;
    }

    /** Encodes and writes the text a piece at a time; stops at the first failure of a PrintStream. */
    private static void writePieces(String text, OutputStream out) throws IOException {
        for (int start = 0; start < text.length(); ) {
            int end = Math.min(text.length(), start + PIECE);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end--;
            }
            byte[] piece = text.substring(start, end).getBytes(StandardCharsets.UTF_8);
            out.write(piece, 0, piece.length);
            if (out instanceof PrintStream && ((PrintStream) out).checkError()) {
                return;
            }
            start = end;
        }
        out.flush();
    }
}
