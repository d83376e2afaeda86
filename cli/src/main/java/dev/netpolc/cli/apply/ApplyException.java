package dev.netpolc.cli.apply;

/** A step of apply, status or --down failed; the message says which and what the host holds now. */
public final class ApplyException extends Exception {

    private static final long serialVersionUID = 1L;

    public ApplyException(String message) {
        super(message);
    }
}
