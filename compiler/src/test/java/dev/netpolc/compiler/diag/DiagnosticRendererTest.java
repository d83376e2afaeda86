package dev.netpolc.compiler.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;
import dev.netpolc.ir.SourceSpan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gcc-style rendering: location, severity, code, the source line and a caret under the span. */
class DiagnosticRendererTest {

    private static Diagnostic diag(DiagnosticCode code, SourceSpan span, String message, Note... notes) {
        return Diagnostic.of(code, span, message, notes);
    }

    @Test
    void rendersTheSourceLineAndACaretUnderATabIndentedSpan() {
        String source = "network n {\n\tsubnett 10.0.0.0/24\n}\n";
        Diagnostic d = diag(DiagnosticCode.UNKNOWN_ATTRIBUTE, new SourceSpan("p.net", 2, 2, 7),
                "unknown attribute 'subnett' in network 'n'", Note.note("did you mean 'subnet'?"),
                Note.help("write subnet"));
        String expected = "p.net:2:2: error[NP2001]: unknown attribute 'subnett' in network 'n'\n"
                + "   2 | \tsubnett 10.0.0.0/24\n"
                + "     | \t^~~~~~~\n"
                + "note: did you mean 'subnet'?\n"
                + "help: write subnet\n";
        assertEquals(expected, DiagnosticRenderer.render(List.of(d), Map.of("p.net", source)));
    }

    @Test
    void aRealCompilationRendersTheSameWay() {
        CompileResult r = PolicyCompiler.compileString("tab.net", "network n {\n\t\tsubnett 10.0.0.0/24\n}\n", Path.of("."));
        String out = DiagnosticRenderer.render(r.diagnostics(), r.sources());
        List<String> lines = out.lines().toList();
        assertEquals("tab.net:2:3: error[NP2001]: unknown attribute 'subnett' in network 'n'", lines.get(0));
        assertEquals("   2 | \t\tsubnett 10.0.0.0/24", lines.get(1));
        assertEquals("     | \t\t^~~~~~~", lines.get(2));
        assertEquals("note: did you mean 'subnet'?", lines.get(3));
        assertTrue(lines.get(4).startsWith("help: network attributes are: driver, subnet, "), lines.get(4));
        assertEquals(5, lines.size());
    }

    @Test
    void mixedTabsAndSpacesKeepTheCaretAligned() {
        String source = "  \t x = 1\n";
        Diagnostic d = diag(DiagnosticCode.UNKNOWN_STATEMENT, new SourceSpan("m.net", 1, 5, 1), "unknown statement 'x'");
        String out = DiagnosticRenderer.render(List.of(d), Map.of("m.net", source));
        assertEquals("     |   \t ^\n", out.lines().toList().get(2) + "\n");
    }

    @Test
    void warningsAreLabelledAsWarnings() {
        Diagnostic d = diag(DiagnosticCode.PUBLISH_IGNORED, new SourceSpan("w.net", 1, 1, 7), "ignored");
        assertEquals(Severity.WARNING, d.severity());
        assertTrue(DiagnosticRenderer.render(List.of(d), Map.of("w.net", "publish 80 -> 80\n"))
                .startsWith("w.net:1:1: warning[NP2028]: ignored\n"));
    }

    @Test
    void longLineNumbersWidenTheGutter() {
        StringBuilder source = new StringBuilder();
        for (int i = 1; i < 12345; i++) {
            source.append('\n');
        }
        source.append("abc def\n");
        Diagnostic d = diag(DiagnosticCode.UNKNOWN_STATEMENT, new SourceSpan("big.net", 12345, 5, 3), "x");
        String out = DiagnosticRenderer.render(List.of(d), Map.of("big.net", source.toString()));
        assertEquals("big.net:12345:5: error[NP1004]: x\n12345 | abc def\n      |     ^~~\n", out);
    }

    @Test
    void aSpanPastTheEndOfTheLineIsClipped() {
        Diagnostic d = diag(DiagnosticCode.SYNTAX_ERROR, new SourceSpan("c.net", 1, 3, 40), "x");
        String out = DiagnosticRenderer.render(List.of(d), Map.of("c.net", "abcde"));
        assertEquals("     |   ^~~", out.lines().toList().get(2));
    }

    @Test
    void controlCharactersInTheSourceLineAreNotPrintedRaw() {
        Diagnostic d = diag(DiagnosticCode.UNEXPECTED_CHARACTER, new SourceSpan("e.net", 1, 3, 1), "x");
        String out = DiagnosticRenderer.render(List.of(d), Map.of("e.net", "ab\u001b[31mred\n"));
        assertEquals("   1 | ab?[31mred", out.lines().toList().get(1));
        assertTrue(out.indexOf('\u001b') < 0, "an escape sequence would reach the terminal");
    }

    @Test
    void builtinSpansAndUnknownFilesHaveNoSourceLine() {
        Diagnostic builtin = diag(DiagnosticCode.DUPLICATE_INTERFACE_NAME, SourceSpan.BUILTIN, "taken", Note.help("rename"));
        assertEquals("<builtin>: error[NP2022]: taken\nhelp: rename\n", DiagnosticRenderer.render(List.of(builtin), Map.of()));
        Diagnostic elsewhere = diag(DiagnosticCode.SYNTAX_ERROR, new SourceSpan("gone.net", 3, 1, 1), "x");
        assertEquals("gone.net:3:1: error[NP1003]: x\n", DiagnosticRenderer.render(List.of(elsewhere), Map.of()));
    }

    @Test
    void diagnosticsOfACompilationAreSortedByPosition() {
        CompileResult r = PolicyCompiler.compileString("s.net", """
                container c { attach nowhere }
                network a { subnett 10.0.0.0/24 }
                network b { mtu 12 }
                """, Path.of("."));
        List<SourceSpan> spans = r.diagnostics().stream().map(Diagnostic::span).toList();
        assertEquals(3, spans.size(), r.diagnostics().toString());
        assertEquals(List.of(1, 2, 3), spans.stream().map(SourceSpan::line).toList());
    }

    @Test
    void summaryCountsErrorsAndWarnings() {
        Diagnostic e = diag(DiagnosticCode.SYNTAX_ERROR, SourceSpan.BUILTIN, "e");
        Diagnostic w = diag(DiagnosticCode.PUBLISH_IGNORED, SourceSpan.BUILTIN, "w");
        assertEquals("", DiagnosticRenderer.summary(List.of()));
        assertEquals("1 error", DiagnosticRenderer.summary(List.of(e)));
        assertEquals("2 errors, 1 warning", DiagnosticRenderer.summary(List.of(e, w, e)));
        assertEquals("2 warnings", DiagnosticRenderer.summary(List.of(w, w)));
    }
}
