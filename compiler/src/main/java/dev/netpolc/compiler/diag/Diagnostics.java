package dev.netpolc.compiler.diag;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Collects the diagnostics of one compilation. */
public final class Diagnostics {

    private final List<Diagnostic> all = new ArrayList<>();
    private int errors;

    public void add(Diagnostic d) {
        all.add(d);
        if (d.isError()) {
            errors++;
        }
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
        Collections.sort(copy);
        return List.copyOf(copy);
    }
}
