package dev.netpolc.compiler.diag;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects the diagnostics of one compilation. After {@link #LIMIT} diagnostics the rest are only
 * counted, so a file of garbage cannot make netpolc print (or hold) millions of messages.
 */
public final class Diagnostics {

    /** How many diagnostics are kept; past it, one NP1011 says how many more there were. */
    public static final int LIMIT = 200;

    private final List<Diagnostic> all = new ArrayList<>();
    private int errors;
    private int dropped;
    private SourceSpan firstDropped;

    public void add(Diagnostic d) {
        if (d.isError()) {
            errors++;
        }
        if (all.size() >= LIMIT) {
            if (dropped++ == 0) {
                firstDropped = d.span();
            }
            return;
        }
        all.add(d);
    }

    public void report(DiagnosticCode code, SourceSpan span, String message, Note... notes) {
        add(Diagnostic.of(code, span, message, notes));
    }

    public boolean hasErrors() {
        return errors > 0;
    }

    public int errorCount() {
        return errors;
    }

    /** All diagnostics, sorted by position. */
    public List<Diagnostic> sorted() {
        List<Diagnostic> copy = new ArrayList<>(all);
        if (dropped > 0) {
            copy.add(Diagnostic.of(DiagnosticCode.TOO_MANY_ERRORS, firstDropped, dropped + " more diagnostics are not shown",
                    Note.note("netpolc reports the first " + LIMIT + "; fix those and run it again")));
        }
        Collections.sort(copy);
        return List.copyOf(copy);
    }
}
