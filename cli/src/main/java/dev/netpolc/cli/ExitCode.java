package dev.netpolc.cli;

/** netpolc's exit codes. */
final class ExitCode {
    /** Success. */
    static final int OK = 0;
    /** The policy has errors. */
    static final int POLICY_ERRORS = 1;
    /** The command line is wrong. */
    static final int USAGE = 2;
    /** A file could not be read or written, or netpolc itself failed. */
    static final int IO_OR_INTERNAL = 3;
    /**
     * Standard output is a pipe whose reader went away ({@code netpolc compile p.net | head -1}):
     * 128 + SIGPIPE, the status a shell reports for a filter that SIGPIPE ended. netpolc ends
     * quietly with it, as such a filter would.
     */
    static final int BROKEN_PIPE = 141;

    private ExitCode() {}
}
