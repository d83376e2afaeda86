package dev.netpolc.cli.explain;

/** A question explain cannot answer: an unknown endpoint, a family mismatch, a rule it cannot interpret. */
public final class ExplainException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean limitation;

    /** A question explain cannot answer as asked (exit code 2). */
    public ExplainException(String message) {
        this(message, false);
    }

    /** {@code limitation}: the compiled rules hold something explain cannot evaluate (exit code 3). */
    public ExplainException(String message, boolean limitation) {
        super(message);
        this.limitation = limitation;
    }

    /** Whether explain itself falls short (a rule it cannot interpret), rather than the question. */
    public boolean limitation() {
        return limitation;
    }
}
