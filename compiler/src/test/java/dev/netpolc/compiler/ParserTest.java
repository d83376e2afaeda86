package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.network;
import static dev.netpolc.compiler.Compile.ok;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading policy text: positions of errors, recovery, separators, comments and quoted names. */
class ParserTest {

    private static void assertAt(Diagnostic d, int line, int column) {
        assertEquals(line + ":" + column, d.span().line() + ":" + d.span().column(), d.toString());
    }

    @Test
    void aLexicalErrorInTheFirstTokenIsADiagnostic() {
        // The fast path reads the first token before parsing anything; an error there must still
        // reach the path that reports it (found by FuzzPolicy).
        Diagnostic e = single(errors("@\nnetwork a { subnet 10.0.0.0/24 }\n"), DiagnosticCode.UNEXPECTED_CHARACTER);
        assertAt(e, 1, 1);
        assertEquals(DiagnosticCode.UNTERMINATED_STRING, errors("\"open\n").get(0).code());
    }

    @Test
    void aLargePolicyParsesItemByItemAsOneWhole() {
        // The fast path parses one top-level item at a time; the result is the same as a single pass.
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            text.append("network n").append(i).append(" { subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24 }\ncontainer c").append(i).append(" { attach n").append(i).append(" }\n");
        }
        text.append("allow container c1 -> network n2 port 80/tcp comment \"web\"\n");
        Policy p = ok(text.toString());
        assertEquals(300, p.networks().size());
        assertEquals(300, p.containers().size());
        assertEquals("allow container c1 -> network n2 port 80/tcp", p.rules().get(0).text());
        assertEquals(601, p.rules().get(0).span().line());
    }

    @Test
    void aFileLargeEnoughToBeParsedInTwoHalvesKeepsItsLineNumbers() {
        // Above PolicyParser.PARALLEL_MIN_CHARS the file is cut at a block boundary and the halves
        // are parsed at once; positions in the second half must still be those of the file.
        StringBuilder text = new StringBuilder("# a comment with a brace { and a \"quote\"\n");
        int n = 6000;
        for (int i = 1; i <= n; i++) {
            text.append("network n").append(i).append(" {\n    subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24\n}\ncontainer c").append(i).append(" { attach n").append(i).append(" }\n");
        }
        assertTrue(text.length() > dev.netpolc.compiler.parse.PolicyParserAccess.parallelMinChars());
        text.append("allow container c1 -> network n2 port 80/tcp\n");
        Policy p = ok(text.toString());
        assertEquals(n, p.containers().size());
        int ruleLine = 1 + 4 * n + 1;
        assertEquals(ruleLine, p.rules().get(0).span().line());
        // A network near the end of the file, in the second half.
        assertEquals(1 + 4 * (n - 1) + 1, p.networks().get(n - 1).span().line());
        // An error in the second half is reported where it is.
        String bad = text.toString().replace("container c5999 { attach n5999 }", "container c5999 { attach nope }");
        Diagnostic e = errors(bad).get(0);
        assertEquals(1 + 4 * 5998 + 4, e.span().line(), e.toString());
    }

    @Test
    void aMissingValueIsReportedWhereTheValueShouldBe() {
        List<Diagnostic> d = errors("""
                network a {
                  subnet 10.0.0.0/24
                }
                network b {
                  subnet
                }
                """);
        Diagnostic e = single(d, DiagnosticCode.SYNTAX_ERROR);
        assertAt(e, 6, 1);
        assertEquals("missing a value or a quoted string before '}'", e.message());
    }

    @Test
    void anUnexpectedTokenIsReportedAtTheToken() {
        List<Diagnostic> d = errors("""
                network a { subnet 10.0.0.0/24
                    container x { attach a }
                """);
        Diagnostic e = d.get(0);
        assertEquals(DiagnosticCode.SYNTAX_ERROR, e.code());
        assertAt(e, 2, 5);
        assertEquals("container".length(), e.span().length());
        assertTrue(e.message().startsWith("unexpected 'container'"), e.message());
    }

    @Test
    void aMissingClosingBraceIsReportedAtTheEndOfTheFile() {
        List<Diagnostic> d = errors("network a {\n  subnet 10.0.0.0/24\n");
        Diagnostic e = single(d, DiagnosticCode.SYNTAX_ERROR);
        assertAt(e, 3, 1);
        assertTrue(e.message().contains("end of file"), e.message());
    }

    @Test
    void manyErrorsAreReportedInOneRunEachAtItsPositionAndSorted() {
        List<Diagnostic> d = errors("""
                network b {
                  subnet
                }
                network c {
                  mtu 1500 $
                }
                container x {
                  attach zz
                }
                netwrk n {}
                network e { subnett 10.9.0.0/24 }
                """);
        List<String> where = d.stream().map(x -> x.code().id() + "@" + x.span().line() + ":" + x.span().column()).toList();
        assertEquals(List.of("NP1003@3:1", "NP1001@5:12", "NP2003@8:10", "NP1004@10:1", "NP2001@11:13"), where);
        List<SourceSpan> spans = d.stream().map(Diagnostic::span).toList();
        assertEquals(spans.stream().sorted().toList(), spans);
    }

    @Test
    void semicolonsSeparateAttributesOnOneLine() {
        Policy oneLine = ok("""
                network d { subnet 10.3.0.0/24; gateway 10.3.0.254; internal; mtu 1400; icc off }
                container c { attach d ip 10.3.0.9; attach bridge }
                network bridge {}
                """);
        Policy lines = ok("""
                network d {
                    subnet 10.3.0.0/24
                    gateway 10.3.0.254
                    internal
                    mtu 1400
                    icc off
                }
                container c {
                    attach d ip 10.3.0.9
                    attach bridge
                }
                network bridge {}
                """);
        Network a = network(oneLine, "d");
        Network b = network(lines, "d");
        assertEquals("10.3.0.254", a.ipv4().gateway().text());
        assertTrue(a.internal());
        assertEquals(1400, a.mtu());
        assertEquals(false, a.icc());
        assertEquals(List.of(b.ipv4().cidr(), b.ipv4().gateway(), b.internal(), b.mtu(), b.icc()),
                List.of(a.ipv4().cidr(), a.ipv4().gateway(), a.internal(), a.mtu(), a.icc()));
        assertEquals(2, oneLine.container("c").orElseThrow().attachments().size());
        assertEquals("10.3.0.9", oneLine.container("c").orElseThrow().attachments().get(0).ipv4().text());
    }

    @Test
    void commentsAreIgnoredWherever() {
        Policy p = ok("""
                # a comment before everything
                network n { # after the brace
                    subnet 10.7.0.0/24# touching the value
                    # a whole line
                } # after the block
                container c { attach n } #
                #""");
        assertEquals("10.7.0.0/24", network(p, "n").ipv4().cidr().toString());
        assertEquals(1, p.containers().size());
    }

    @Test
    void quotedNamesMayEqualKeywords() {
        Policy p = ok("""
                network "internal" { subnet 10.0.0.0/24 }
                network "network" { subnet 10.0.1.0/24 internal }
                container "container" { attach "internal" attach "network" }
                """);
        assertEquals(List.of("internal", "network"), p.networks().stream().map(Network::name).toList());
        assertTrue(!network(p, "internal").internal(), "the name 'internal' does not make the network internal");
        assertTrue(network(p, "network").internal());
        assertEquals("container", p.containers().get(0).name());
        assertEquals("internal", p.containers().get(0).gatewayNetwork());
    }

    @Test
    void aQuotedNetworkNamedBridgeIsTheDefaultBridge() {
        Policy p = ok("network \"bridge\" {}\n");
        assertEquals("docker0", network(p, "bridge").bridgeName());
    }

    @Test
    void anUnquotedKeywordAsANameIsASyntaxError() {
        List<Diagnostic> d = errors("network internal {}\n");
        assertAt(d.get(0), 1, 9);
        assertEquals(DiagnosticCode.SYNTAX_ERROR, d.get(0).code());
    }

    @Test
    void quotedValuesAreReadLikeWords() {
        Policy p = ok("network n { subnet \"10.8.0.0/24\" }\n");
        assertEquals("10.8.0.0/24", network(p, "n").ipv4().cidr().toString());
    }

    @Test
    void anUnterminatedStringIsReportedWhereItStarts() {
        List<Diagnostic> d = errors("network n {}\ncontainer \"web {}\n");
        Diagnostic e = d.stream().filter(x -> x.code() == DiagnosticCode.UNTERMINATED_STRING).findFirst().orElseThrow();
        assertAt(e, 2, 11);
    }

    @Test
    void unknownStatementsAndUndefinedRuleNamesHaveTheirOwnCodes() {
        List<Diagnostic> d = errors("netwrk n {}\nallow web -> db\n");
        assertEquals(List.of(DiagnosticCode.UNKNOWN_STATEMENT, DiagnosticCode.UNDEFINED_NAME, DiagnosticCode.UNDEFINED_NAME),
                codes(d));
        assertTrue(d.get(0).notes().stream().anyMatch(n -> n.message().equals("did you mean 'network'?")));
        assertAt(d.get(1), 2, 7);
        assertAt(d.get(2), 2, 14);
    }

    @Test
    void crlfLineEndingsKeepPositions() {
        List<Diagnostic> d = errors("network a {\r\n  subnett 10.0.0.0/24\r\n}\r\n");
        assertAt(single(d, DiagnosticCode.UNKNOWN_ATTRIBUTE), 2, 3);
    }

    @Test
    void columnsCountCharactersNotBytes() {
        List<Diagnostic> d = errors("# h\u00e9h\u00e9\nnetwork \u00e9t\u00e9 {}\ncontainer c { attach \uD83D\uDE00 }\n");
        List<Diagnostic> chars = d.stream().filter(x -> x.code() == DiagnosticCode.UNEXPECTED_CHARACTER).toList();
        assertAt(chars.get(0), 2, 9);
        assertAt(chars.get(chars.size() - 1), 3, 22);
    }

    @Test
    void invalidUtf8IsADiagnosticWithItsPosition() {
        byte[] bytes = "network n {}\nnetwork m\u00e9 {}\n".getBytes(StandardCharsets.UTF_8);
        bytes[bytes.length - 5] = (byte) 0xff; // the second byte of the é
        CompileResult r = PolicyCompiler.compileBytes("<stdin>", bytes, Path.of("."));
        Diagnostic e = single(r.diagnostics(), DiagnosticCode.INVALID_ENCODING);
        assertAt(e, 2, 10);
        assertEquals("byte 0xc3 is not valid UTF-8", e.message(), "0xc3 starts a sequence that 0xff cannot continue");
    }

    @Test
    void anEmptyPolicyCompilesToNothing() {
        Policy p = ok("");
        assertTrue(p.networks().isEmpty() && p.containers().isEmpty());
        Policy q = ok("# only a comment\n;\n");
        assertTrue(q.networks().isEmpty());
    }
}
