package dev.netpolc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether to colour what a command prints on a terminal: {@code --color auto|always|never}, and
 * the {@code NO_COLOR} convention (set and not empty: no colour, unless {@code --color always}).
 */
final class Terminal {

    /** Set by {@link Main#main}: the streams a command gets are the process's own (tests pass theirs). */
    static volatile boolean processStreams;

    private Terminal() {}

    /**
     * Whether to colour a stream: {@code always} yes, {@code never} no, {@code auto} when the stream
     * is a terminal, {@code NO_COLOR} is unset or empty, and {@code TERM} is not {@code dumb}.
     */
    static boolean colour(String mode, Map<String, String> env, boolean isTerminal) {
        switch (mode) {
            case "always":
                return true;
            case "never":
                return false;
            default:
                String noColor = env.get("NO_COLOR");
                return isTerminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        }
    }

    /**
     * Whether the process's file descriptor {@code fd} (1 standard output, 2 standard error) is a
     * terminal: what {@code /proc/self/fd/N} points at is a terminal device. {@code System.console()}
     * says nothing about standard error (it looks at standard input and output).
     */
    static boolean isTerminal(int fd) {
        if (!processStreams) {
            return false;
        }
        return isTerminalDevice(Path.of("/proc/self/fd/" + fd));
    }

    /** Whether a {@code /proc/self/fd/N} link names a terminal: a pseudo-terminal, a virtual console or a serial line. */
    static boolean isTerminalDevice(Path fdLink) {
        try {
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.matches("/dev/(tty|console)[A-Za-z0-9]*");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
