package dev.netpolc.compiler.lint;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inline suppressions: a comment line {@code # netpolc: ignore NP3010 -- reason} (several codes
 * separated by commas) suppresses those warnings on the next item of the file, the next statement
 * after the comment: one line, or, when that line opens a block, the whole block up to its closing
 * brace. Only warnings can be suppressed; errors always stand. A suppression without a reason
 * still suppresses, and is reported itself (NP3017); one that suppresses nothing is reported
 * (NP3016), so that stale suppressions do not pile up.
 */
public final class Suppressions {

    /**
     * {@code # netpolc: ignore CODES [-- REASON]}, alone on its line; the rest after "ignore" is
     * split by hand (one pass, whatever the line holds).
     */
    private static final Pattern COMMENT = Pattern.compile("^([ \\t]*)#[ \\t]*netpolc:[ \\t]*ignore(?![A-Za-z0-9_])(.*)$");

    /** One suppression comment and the lines of the item it covers. */
    record Suppression(SourceSpan span, Set<String> codes, boolean reasoned, int firstLine, int lastLine) {}

    private final List<Suppression> all;

    private Suppressions(List<Suppression> all) {
        this.all = all;
    }

    /** The suppression comments of every file, by file name as diagnostics show it. */
    public static Suppressions of(Map<String, String> sources) {
        List<Suppression> out = new ArrayList<>();
        new TreeMap<>(sources).forEach((file, text) -> out.addAll(parse(file, text)));
        return new Suppressions(out);
    }

    static List<Suppression> parse(String file, String text) {
        List<Suppression> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = COMMENT.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String rest = m.group(2);
            int dashes = rest.indexOf("--");
            String list = dashes < 0 ? rest : rest.substring(0, dashes);
            Set<String> codes = new LinkedHashSet<>();
            for (String c : list.split("[,\\s]+")) {
                if (!c.isBlank()) {
                    codes.add(c.toUpperCase(Locale.ROOT));
                }
            }
            boolean reasoned = dashes >= 0 && !rest.substring(dashes + 2).isBlank();
            int first = i + 1;
            while (first < lines.length && (lines[first].isBlank() || lines[first].stripLeading().startsWith("#"))) {
                first++;
            }
            int last = first < lines.length ? itemEnd(lines, first) : first;
            SourceSpan span = new SourceSpan(file, i + 1, m.group(1).length() + 1,
                    Math.max(1, lines[i].length() - m.group(1).length()));
            // 1-based lines of the item
            out.add(new Suppression(span, codes, reasoned, first + 1, last + 1));
        }
        return out;
    }

    /** The index of the last line of the item that starts at line {@code first}: its closing brace, if it opens a block. */
    private static int itemEnd(String[] lines, int first) {
        int depth = 0;
        for (int i = first; i < lines.length; i++) {
            boolean quoted = false;
            String l = lines[i];
            for (int k = 0; k < l.length(); k++) {
                char c = l.charAt(k);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && c == '#') {
                    break;
                } else if (!quoted && c == '{') {
                    depth++;
                } else if (!quoted && c == '}') {
                    depth--;
                }
            }
            if (depth <= 0) {
                return i;
            }
        }
        return lines.length - 1;
    }

    /**
     * The diagnostics that no suppression covers, then what the suppressions themselves call for:
     * NP3017 for one without a reason, and, when {@code reportUnused} (the lint checks ran, so a
     * suppression that matched nothing really is stale), NP3016 for each code of {@code enabled}
     * that a suppression names and that it did not suppress. Errors are never suppressed.
     */
    public List<Diagnostic> apply(List<Diagnostic> diagnostics, boolean reportUnused, Set<String> enabled) {
        List<Diagnostic> out = new ArrayList<>();
        Map<Suppression, Set<String>> used = new java.util.HashMap<>();
        for (Diagnostic d : diagnostics) {
            Suppression by = null;
            if (d.severity() != Severity.ERROR) {
                for (Suppression s : all) {
                    if (s.codes().contains(d.code().id()) && s.span().file().equals(d.span().file())
                            && d.span().line() >= s.firstLine() && d.span().line() <= s.lastLine()) {
                        by = s;
                        break;
                    }
                }
            }
            if (by == null) {
                out.add(d);
            } else {
                used.computeIfAbsent(by, k -> new LinkedHashSet<>()).add(d.code().id());
            }
        }
        for (Suppression s : all) {
            if (s.codes().isEmpty()) {
                out.add(Diagnostic.of(DiagnosticCode.UNUSED_SUPPRESSION, s.span(), "this suppression names no code",
                        Note.help("write '# netpolc: ignore NP3010 -- why', with the code to suppress")));
                continue;
            }
            if (!s.reasoned()) {
                out.add(Diagnostic.of(DiagnosticCode.SUPPRESSION_WITHOUT_REASON, s.span(),
                        "this suppression of " + String.join(", ", s.codes()) + " does not say why",
                        Note.help("add the reason after '--': '# netpolc: ignore " + String.join(",", s.codes())
                                + " -- why this is right here'")));
            }
            List<String> unused = new ArrayList<>();
            for (String code : s.codes()) {
                if (enabled.contains(code) && !used.getOrDefault(s, Set.of()).contains(code)) {
                    unused.add(code);
                }
                if (!isWarning(code) && !unused.contains(code)) {
                    unused.add(code);
                }
            }
            if (reportUnused && !unused.isEmpty()) {
                out.add(Diagnostic.of(DiagnosticCode.UNUSED_SUPPRESSION, s.span(),
                        "this suppression of " + String.join(", ", unused) + " suppresses nothing on the item after it"
                                + (s.firstLine() <= s.lastLine() ? " (line " + s.firstLine()
                                        + (s.lastLine() > s.firstLine() ? "-" + s.lastLine() : "") + ")" : ""),
                        Note.note("a suppression covers the next statement only, or the whole block that statement opens;"
                                + " only warnings can be suppressed"),
                        Note.help("remove it, or move it to the line above the item the warning points at")));
            }
        }
        return out;
    }

    /** Whether {@code id} is the code of a warning (only warnings can be suppressed). */
    private static boolean isWarning(String id) {
        for (DiagnosticCode c : DiagnosticCode.values()) {
            if (c.id().equals(id)) {
                return c.defaultSeverity() == Severity.WARNING;
            }
        }
        return false;
    }
}
