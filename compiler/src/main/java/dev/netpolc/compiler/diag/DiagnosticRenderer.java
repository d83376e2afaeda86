package dev.netpolc.compiler.diag;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.SourceSpan;
import java.util.List;
import java.util.Map;

/**
 * Renders diagnostics the way compilers and editors expect:
 *
 * <pre>
 * policies/web.net:12:9: error[NP2003]: undefined network 'frontnd'
 *    12 |   attach frontnd
 *       |          ^~~~~~~
 * note: did you mean 'frontend'?
 * </pre>
 */
public final class DiagnosticRenderer {

    private DiagnosticRenderer() {}

    public static String render(List<Diagnostic> diagnostics, Map<String, String> sources) {
        return render(diagnostics, sources, false);
    }

    /**
     * As {@link #render(List, Map)}, with ANSI colours when {@code colour} (for a terminal): the
     * location in bold, errors in bold red, warnings in bold magenta, the caret line in bold green,
     * note and help labels in bold cyan. The text is the same but for the escape sequences.
     */
    public static String render(List<Diagnostic> diagnostics, Map<String, String> sources, boolean colour) {
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            render(out, d, sources, colour);
        }
        return out.toString();
    }

    private static final String RESET = "\u001b[0m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[1;31m";
    private static final String MAGENTA = "\u001b[1;35m";
    private static final String GREEN = "\u001b[1;32m";
    private static final String CYAN = "\u001b[1;36m";

    private static String paint(boolean colour, String style, String text) {
        return colour ? style + text + RESET : text;
    }

    /** One summary line, such as "2 errors, 1 warning", or an empty string when there is nothing. */
    public static String summary(List<Diagnostic> diagnostics) {
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        long warnings = diagnostics.size() - errors;
        if (errors == 0 && warnings == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (errors > 0) {
            b.append(errors).append(errors == 1 ? " error" : " errors");
        }
        if (warnings > 0) {
            b.append(b.length() > 0 ? ", " : "").append(warnings).append(warnings == 1 ? " warning" : " warnings");
        }
        return b.toString();
    }

    static void render(StringBuilder out, Diagnostic d, Map<String, String> sources) {
        render(out, d, sources, false);
    }

    static void render(StringBuilder out, Diagnostic d, Map<String, String> sources, boolean colour) {
        SourceSpan s = d.span();
        out.append(paint(colour, BOLD, s + ":")).append(' ')
                .append(paint(colour, d.isError() ? RED : MAGENTA, d.severity().label() + "[" + d.code().id() + "]:"))
                .append(' ').append(paint(colour, BOLD, d.message())).append('\n');
        String line = s.isBuiltin() ? null : sourceLine(sources.get(s.file()), s.line());
        if (line != null) {
            int column = s.column() - 1;
            int length = s.length();
            int[] cps = line.codePoints().toArray();
            if (cps.length > MAX_SHOWN) {
                // a window around the column, so a 10-million-character line prints 200 characters
                int start = Math.max(0, Math.min(column - 60, cps.length - MAX_SHOWN + 6));
                int end = Math.min(cps.length, start + MAX_SHOWN - 6);
                line = (start > 0 ? "..." : "") + new String(cps, start, end - start) + (end < cps.length ? "..." : "");
                column = column - start + (start > 0 ? 3 : 0);
                length = Math.min(length, end - (s.column() - 1));
            }
            String number = String.valueOf(s.line());
            String gutter = " ".repeat(Math.max(0, 4 - number.length()));
            out.append(gutter).append(number).append(" | ").append(printableLine(line)).append('\n');
            out.append(" ".repeat(gutter.length() + number.length())).append(" | ")
                    .append(padding(line, Math.min(column, lineLength(line))))
                    .append(paint(colour, GREEN, "^"
                            + "~".repeat(Math.max(0, Math.min(length, Math.max(1, lineLength(line) - column)) - 1))))
                    .append('\n');
        }
        for (Diagnostic.Note n : d.notes()) {
            out.append(paint(colour, CYAN, n.kind().label() + ":")).append(' ').append(n.message()).append('\n');
        }
    }

    private static String sourceLine(String text, int line) {
        if (text == null || line < 1) {
            return null;
        }
        int start = 0;
        for (int i = 1; i < line; i++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return null;
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String l = text.substring(start, end < 0 ? text.length() : end);
        if (l.endsWith("\r")) {
            l = l.substring(0, l.length() - 1);
        }
        return l;
    }

    /** The longest source line shown whole. */
    private static final int MAX_SHOWN = 200;

    private static int lineLength(String line) {
        return line.codePointCount(0, line.length());
    }

    /** Control characters in a source line would move the terminal's cursor; show them as '?'. */
    private static String printableLine(String line) {
        StringBuilder b = new StringBuilder();
        line.codePoints().forEach(cp -> b.appendCodePoint(cp == '\t' ? '\t' : (cp < 0x20 || cp == 0x7f) ? '?' : cp));
        return b.toString();
    }

    /** Spaces up to a column, keeping tabs so that the caret lines up under tabbed source. */
    private static String padding(String line, int columns) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (int cp : line.codePoints().limit(Math.max(0, columns)).toArray()) {
            b.append(cp == '\t' ? '\t' : ' ');
            i++;
        }
        b.append(" ".repeat(Math.max(0, columns - i)));
        return b.toString();
    }
}
