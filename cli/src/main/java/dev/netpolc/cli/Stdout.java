package dev.netpolc.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Standard output as netpolc writes it. A {@link PrintStream} only says that a write failed;
 * this one also remembers why, so that a reader that went away (a broken pipe, as in
 * {@code netpolc compile p.net | head -1}) can end netpolc quietly with exit status 141, like a
 * filter that SIGPIPE ends, while any other failure (a full disk, EIO) is still reported.
 *
 * <p>The JVM ignores SIGPIPE, so a write to a pipe without a reader fails with EPIPE, which the
 * JDK reports as an {@link IOException} with the C library's text for it, "Broken pipe". In case
 * that text is translated, a failed write is also taken for a broken pipe when file descriptor 1
 * is a pipe or a socket: a write to one of those fails only when its reader is gone.
 */
final class Stdout extends PrintStream {

    private final Recorder recorder;
    private final BooleanSupplier fdIsPipe;

    private Stdout(Recorder recorder, BooleanSupplier fdIsPipe) {
        super(recorder, false, StandardCharsets.UTF_8);
        this.recorder = recorder;
        this.fdIsPipe = fdIsPipe;
    }

    /** The process's standard output (file descriptor 1). */
    static Stdout process() {
        return new Stdout(new Recorder(new FileOutputStream(FileDescriptor.out)), Stdout::fd1IsPipeOrSocket);
    }

    /** Standard output written to {@code out}, for tests: only the failure's text tells a broken pipe. */
    static Stdout over(OutputStream out) {
        return new Stdout(new Recorder(out), () -> false);
    }

    /** Whether a write to {@code out} failed because its reader went away. */
    static boolean brokenPipe(PrintStream out) {
        return out instanceof Stdout && ((Stdout) out).brokenPipe();
    }

    /** Whether a write failed because the pipe's (or socket's) reader went away. */
    boolean brokenPipe() {
        IOException e = recorder.failure;
        if (e == null) {
            return false;
        }
        String m = e.getMessage();
        return m != null && m.contains("Broken pipe") || fdIsPipe.getAsBoolean();
    }

    private static boolean fd1IsPipeOrSocket() {
        try {
            int type = (Integer) Files.getAttribute(Path.of("/proc/self/fd/1"), "unix:mode") & 0170000;
            return type == 0010000 || type == 0140000;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Passes bytes through whole (FilterOutputStream would write them one at a time) and keeps the first failure. */
    private static final class Recorder extends FilterOutputStream {
        private volatile IOException failure;

        Recorder(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw recorded(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw recorded(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw recorded(e);
            }
        }

        private IOException recorded(IOException e) {
            if (failure == null) {
                failure = e;
            }
            return e;
        }
    }
}
