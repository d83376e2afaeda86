package dev.netpolc.ir;

/** How bad a diagnostic is: an error stops compilation, a warning does not. */
public enum Severity {
    ERROR,
    WARNING;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
