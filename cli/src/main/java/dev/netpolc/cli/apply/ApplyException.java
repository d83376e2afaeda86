package dev.netpolc.cli.apply;

/** A step of apply, status or --down failed; the message says which and what the host holds now. */
public final class ApplyException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean usage;

    public ApplyException(String message) {
        this(message, false);
    }

    private ApplyException(String message, boolean usage) {
        super(message);
        this.usage = usage;
    }

    /** The command line asks for something the policy rules out; nothing was changed (exit code 2). */
    static ApplyException usage(String message) {
        return new ApplyException(message, true);
    }

    /** Whether the command line was at fault rather than the host (exit code 2, not 3). */
    boolean isUsage() {
        return usage;
    }
}
