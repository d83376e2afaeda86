package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/**
 * One finding about a policy: a stable code, a severity, where, what is wrong, and notes that say
 * why or how to fix it. Diagnostics are values, never exceptions: a run collects all of them.
 */
public record Diagnostic(DiagnosticCode code, Severity severity, SourceSpan span, String message, List<Note> notes)
        implements Comparable<Diagnostic> {

    /** An addition to a diagnostic: {@code help} says how to fix it, {@code note} gives context. */
    public record Note(Kind kind, String message) {
        /** The label a note is printed with. */
        public enum Kind {
            HELP,
            NOTE;

            public String label() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }

        public Note {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(message);
        }

        public static Note help(String message) {
            return new Note(Kind.HELP, message);
        }

        public static Note note(String message) {
            return new Note(Kind.NOTE, message);
        }
    }

    public Diagnostic {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(span, "span");
        Objects.requireNonNull(message, "message");
        notes = List.copyOf(notes);
    }

    public static Diagnostic of(DiagnosticCode code, SourceSpan span, String message, Note... notes) {
        return new Diagnostic(code, code.defaultSeverity(), span, message, List.of(notes));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public int compareTo(Diagnostic o) {
        int c = span.compareTo(o.span);
        return c != 0 ? c : code.compareTo(o.code);
    }
}
