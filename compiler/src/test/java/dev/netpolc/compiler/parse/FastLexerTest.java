package dev.netpolc.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netpolc.grammar.NetPolicyLexer;
import dev.netpolc.grammar.NetPolicyParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.junit.jupiter.api.Test;

/**
 * The hand-written lexer against the grammar's: for any text, either the hand lexer gives up
 * (ParseCancellationException) and the grammar's lexer yields an error token (or the text holds a
 * lone surrogate, which the hand lexer leaves to the full path on purpose), or both yield the same
 * tokens, field by field, up to and including the end-of-file token.
 */
class FastLexerTest {

    /** Every field of a token the parser and the compiler can see. */
    record Tok(int type, String text, int line, int column, int channel, int start, int stop) {
        static Tok of(Token t) {
            return new Tok(t.getType(), t.getText(), t.getLine(), t.getCharPositionInLine(), t.getChannel(),
                    t.getStartIndex(), t.getStopIndex());
        }

        @Override
        public String toString() {
            return NetPolicyParser.VOCABULARY.getDisplayName(type) + "[" + quote(text) + "]@" + line + ":" + column
                    + "#" + channel + " " + start + ".." + stop;
        }
    }

    private static List<Tok> drain(TokenSource source) {
        List<Tok> tokens = new ArrayList<>();
        while (true) {
            Token t = source.nextToken();
            tokens.add(Tok.of(t));
            if (t.getType() == Token.EOF) {
                return tokens;
            }
        }
    }

    static List<Tok> grammarTokens(String text, int firstLine) {
        NetPolicyLexer lexer = new NetPolicyLexer(CharStreams.fromString(text, "t.net"));
        lexer.removeErrorListeners();
        lexer.setLine(firstLine);
        return drain(lexer);
    }

    static List<Tok> fastTokens(String text, int firstLine) {
        return drain(new FastLexer(text, "t.net", firstLine));
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** The contract, for one text; true when the hand lexer took it (false: it fell back). */
    static boolean check(String text, int firstLine) {
        List<Tok> expected = grammarTokens(text, firstLine);
        boolean grammarError = expected.stream()
                .anyMatch(t -> t.type() == NetPolicyLexer.UNEXPECTED_CHAR || t.type() == NetPolicyLexer.UNTERMINATED_STRING);
        List<Tok> actual;
        try {
            actual = fastTokens(text, firstLine);
        } catch (ParseCancellationException e) {
            if (!grammarError && !hasLoneSurrogate(text)) {
                fail("the hand lexer gave up (" + e.getMessage() + ") on text the grammar lexes without error: "
                        + quote(text) + "\n" + expected);
            }
            return false;
        }
        assertEquals(expected, actual, () -> "tokens differ for " + quote(text));
        return true;
    }

    static boolean check(String text) {
        return check(text, 1);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().limit(200).forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                b.append('\\').appendCodePoint(cp);
            } else if (cp >= 0x20 && cp < 0x7f) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u{%04X}", cp));
            }
        });
        return b.append(s.codePointCount(0, s.length()) > 200 ? "...\"" : "\"").toString();
    }

    static Path root() {
        String root = System.getProperty("netpolc.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(p.resolve("policies")), "cannot find the repository root (policies/) from " + p);
        return p.toAbsolutePath().normalize();
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(suffix)).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** A file as text (bytes that are not UTF-8, which the compiler rejects before lexing, become U+FFFD). */
    static String decode(byte[] bytes) throws IOException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** The hand lexer's keyword table is the grammar's literal words, no more and no fewer. */
    @Test
    void keywordsAreTheGrammarsLiteralWords() {
        java.util.Map<String, Integer> grammar = new java.util.HashMap<>();
        for (int type = 1; type <= NetPolicyParser.VOCABULARY.getMaxTokenType(); type++) {
            String literal = NetPolicyParser.VOCABULARY.getLiteralName(type);
            if (literal != null && Character.isLetter(literal.charAt(1))) {
                grammar.put(literal.substring(1, literal.length() - 1), type);
            }
        }
        assertEquals(grammar, FastLexer.keywords());
    }

    @Test
    void everyPolicyOfTheRepository() throws IOException {
        List<Path> policies = files(root().resolve("policies"), ".net");
        assertTrue(policies.size() > 100, "found only " + policies.size() + " policies");
        int taken = 0;
        for (Path p : policies) {
            String text = decode(Files.readAllBytes(p));
            if (check(text)) {
                taken++;
            }
            // the second half of a file cut for parsing in parallel starts at a later line
            check(text, 40);
        }
        // most policies are valid: the test must not pass by the hand lexer giving up on everything
        assertTrue(taken > policies.size() / 2, "the hand lexer took only " + taken + " of " + policies.size());
    }

    /**
     * The fuzzing inputs: the committed reproducers, the corpus a local fuzzing run grew (ignored by
     * git, so only where fuzzing ran), and any directory named by -Dnetpolc.lexer.corpus.
     */
    @Test
    void everyFuzzingInput() throws IOException {
        Path root = root();
        List<Path> inputs = new ArrayList<>(files(root.resolve("cli/src/test/resources/dev/netpolc/cli/FuzzPolicyInputs"), ""));
        inputs.addAll(files(root.resolve("cli/.cifuzz-corpus"), ""));
        String extra = System.getProperty("netpolc.lexer.corpus");
        if (extra != null && !extra.isBlank()) {
            List<Path> more = files(Path.of(extra), "");
            assertTrue(!more.isEmpty(), "no files in " + extra);
            inputs.addAll(more);
        }
        assertTrue(!inputs.isEmpty(), "the committed fuzzing reproducers are missing");
        int taken = 0;
        for (Path p : inputs) {
            if (check(decode(Files.readAllBytes(p)))) {
                taken++;
            }
        }
        System.out.println("FastLexerTest: " + inputs.size() + " fuzzing inputs, " + taken + " taken by the hand lexer");
    }

    @Test
    void everyKeywordAndItsNeighbours() {
        int keywords = 0;
        for (int type = 1; type <= NetPolicyParser.VOCABULARY.getMaxTokenType(); type++) {
            String literal = NetPolicyParser.VOCABULARY.getLiteralName(type);
            if (literal == null) {
                continue;
            }
            String k = literal.substring(1, literal.length() - 1);
            assertTrue(check(k), k);
            assertEquals(type, fastTokens(k, 1).get(0).type(), k);
            if (!Character.isLetter(k.charAt(0))) {
                continue;
            }
            keywords++;
            for (String s : List.of(k + "s", k.substring(0, k.length() - 1), "x" + k, k + "-", k + "-x", k + "--x",
                    k + "->" + k, k + "-" + k, k + " " + k, "\"" + k + "\"", k.toUpperCase(), k + "_1", k + ".",
                    k + ":", k + "/", "[" + k + "]", k + "{" + k + "}", k + ";" + k + "," + k + "=" + k, k + "#" + k,
                    k.replace('-', '_'), k + "é", "é" + k)) {
                check(s);
                check(s, 7);
            }
        }
        assertTrue(keywords > 40, "only " + keywords + " keywords in the grammar");
        assertTrue(check("ip-ranges ip-range icmp-types ip-range->ip"));
        assertEquals(List.of(NetPolicyParser.WORD, NetPolicyParser.IP_RANGE, NetPolicyParser.WORD, NetPolicyParser.IP_RANGE,
                NetPolicyParser.ARROW, NetPolicyParser.IP, Token.EOF),
                fastTokens("ip-ranges ip-range icmp-types ip-range->ip", 1).stream().map(Tok::type).toList());
    }

    @Test
    void handPickedEdges() {
        List<String> taken = List.of(
                "", " ", "\n", "\r", "\r\n", "\f", "\t", " \t\r\n\f ", "\n\n\n", "\r\r\n\n\r",
                "a", "a-b", "a-b-c", "a_b.c:d/e[f]", "8080->80", "8080->80/udp", "publish 8080 -> 80/udp",
                "[fd00::1]:80", "fd00::1/64", "10.0.0.0/8", "02:42:ac:11:00:02", "a->", "->", "->->", "a->b->c",
                "{}", "{ a; b, c = d }", ";;;", ",", "=",
                "\"\"", "\"a b\"", "\"\\\"\"", "\"\\\\\"", "\"a\\\\\\\"b\"", "\"#not a comment\"", "\"é ü 中\"",
                "\"a\" \"b\"", "\"a\"\"b\"", "a\"b\"", "\"{};,=->\"",
                "#", "# comment", "#comment at eof", "# é ü 中 \uD83D\uDE00", "#x\r\ny", "#x\ry", "a#b", "a # b\nc",
                "\"\uD83D\uDE00\" a", "# \uD83D\uDE00\n\"\uD83D\uDE00\uD83D\uDE00\" x",
                "network n {\n  subnet 10.0.0.0/24\r\n  ip-range 10.0.0.0/25\f\n}\n",
                "allow web -> db port 5432/tcp comment \"x\"\n# end",
                "log prefix \"p\" deny any -> { a, b, } proto icmp icmp-type echo-request");
        for (String s : taken) {
            assertTrue(check(s), () -> "the hand lexer must take " + quote(s));
            check(s, 12);
        }
        List<String> fallBack = List.of(
                "-", "a-", "a--b", "a -b", "- >", "-a", "a->-b", "\"", "\"abc", "\"abc\n\"", "\"a\rb\"", "\"a\\nb\"",
                "\"a\\\"", "\"\\", "\"abc\\", "é", "aé", "中文", "$x", "a!", "@", "'a'", "\\", "\u000B", "\u0000",
                "\u00A0", "\u2028", "\uFEFFnetwork", "\uD83D\uDE00", "a\uD83D\uDE00", "\uD800", "#\uD800", "\"\uDC00\"",
                "network n { subnet 10.0.0.0/24 }\n€");
        for (String s : fallBack) {
            assertTrue(!check(s), () -> "the hand lexer must fall back on " + quote(s));
        }
    }

    @Test
    void positionsCountCodePointsAndTheFirstLine() {
        List<Tok> tokens = fastTokens("# \uD83D\uDE00\n\"\uD83D\uDE00x\" a\r\n  b", 5);
        assertEquals(List.of(
                new Tok(NetPolicyParser.STRING, "\"\uD83D\uDE00x\"", 6, 0, 0, 4, 7),
                new Tok(NetPolicyParser.WORD, "a", 6, 5, 0, 9, 9),
                new Tok(NetPolicyParser.WORD, "b", 7, 2, 0, 14, 14),
                new Tok(Token.EOF, "<EOF>", 7, 3, 0, 15, 14)), tokens);
        check("# \uD83D\uDE00\n\"\uD83D\uDE00x\" a\r\n  b", 5);
    }

    @Test
    void endOfFileAgainAndTheTokensSource() {
        FastLexer lexer = new FastLexer("a", "t.net", 1);
        Token a = lexer.nextToken();
        assertSame(lexer, a.getTokenSource());
        assertEquals("t.net", lexer.getSourceName());
        for (int i = 0; i < 3; i++) {
            assertEquals(new Tok(Token.EOF, "<EOF>", 1, 1, 0, 1, 0), Tok.of(lexer.nextToken()));
        }
    }

    /** Texts over the characters that matter to the lexer, a few others, and whole keywords. */
    @Provide
    Arbitrary<String> lexerish() {
        List<String> pieces = new ArrayList<>(List.of(
                "a", "b", "z", "A", "0", "9", "_", ".", ":", "/", "[", "]", "-", "-", "->", ">", "{", "}", ";", ",", "=",
                "\"", "\"", "\\", "\\\"", "\\\\", "#", " ", " ", "\t", "\n", "\n", "\r", "\r\n", "\f", "\u000B",
                "é", "中", "\uD83D\uDE00", "\u00A0", "$", "'", "8080", "10.0.0.0/24", "fd00::1", "ip", "ip-", "icmp-type",
                "\"x y\""));
        for (int type = 1; type <= NetPolicyParser.VOCABULARY.getMaxTokenType(); type++) {
            String literal = NetPolicyParser.VOCABULARY.getLiteralName(type);
            if (literal != null) {
                pieces.add(literal.substring(1, literal.length() - 1));
            }
        }
        return Arbitraries.of(pieces).list().ofMaxSize(30).map(l -> String.join("", l));
    }

    @Property(tries = 3000)
    void generatedTexts(@ForAll("lexerish") String text, @ForAll @IntRange(min = 1, max = 1000) int firstLine) {
        check(text, firstLine);
    }

    @Property(tries = 2000)
    void generatedTextsOfSingleCharacters(@ForAll("characters") String text) {
        check(text);
    }

    @Provide
    Arbitrary<String> characters() {
        return Arbitraries.strings().withChars("abAZ09_.:/[]-->{};,=\"\"\\#  \t\n\r\f\u000Bé>").ofMaxLength(40);
    }
}
