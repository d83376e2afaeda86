package dev.netpolc.cli;

/** A mistake on the command line; ends the command with exit code 2 and a one-line message. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
