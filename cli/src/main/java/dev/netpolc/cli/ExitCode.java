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

    private ExitCode() {}
}
