package dev.netpolc.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.compiler.ast.ParsedFile;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.grammar.NetPolicyParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser against the grammar's: for any text, the fast path gives up (null)
 * exactly when the grammar's path reports an error, and otherwise yields the very items the
 * grammar's parser and its tree visitor build (every name, value, span, option and rule text).
 */
class FastParserTest {

    /** The contract for one text; true when the fast path took it. */
    static boolean check(String text) {
        Diagnostics diags = new Diagnostics();
        ParsedFile grammar = PolicyParser.grammarParse("t.net", text, diags);
        List<Object> fast = PolicyParser.fastParse("t.net", text);
        if (diags.hasErrors()) {
            assertNull(fast, () -> "the fast path took text the grammar rejects (" + diags.sorted().get(0).message()
                    + "): " + FastLexerTest.quote(text));
            return false;
        }
        assertNotNull(fast, () -> "the fast path gave up on text the grammar accepts: " + FastLexerTest.quote(text));
        assertEquals(grammar.items(), fast, () -> "items differ for " + FastLexerTest.quote(text));
        return true;
    }

    @Test
    void everyPolicyOfTheRepository() throws IOException {
        List<Path> policies = FastLexerTest.files(FastLexerTest.root().resolve("policies"), ".net");
        assertTrue(policies.size() > 100, "found only " + policies.size() + " policies");
        int taken = 0;
        for (Path p : policies) {
            if (check(FastLexerTest.decode(Files.readAllBytes(p)))) {
                taken++;
            }
        }
        // the policies include syntax errors on purpose, but most are valid
        assertTrue(taken > policies.size() / 2, "the fast path took only " + taken + " of " + policies.size());
        assertTrue(taken < policies.size(), "no policy of the repository has a syntax error: the other half is untested");
    }

    @Test
    void everyFuzzingInput() throws IOException {
        Path root = FastLexerTest.root();
        List<Path> inputs = new ArrayList<>(FastLexerTest.files(root.resolve("cli/src/test/resources/dev/netpolc/cli/FuzzPolicyInputs"), ""));
        inputs.addAll(FastLexerTest.files(root.resolve("cli/.cifuzz-corpus"), ""));
        assertTrue(!inputs.isEmpty(), "the committed fuzzing reproducers are missing");
        for (Path p : inputs) {
            check(FastLexerTest.decode(Files.readAllBytes(p)));
        }
    }

    @Test
    void handPickedEdges() {
        List<String> taken = List.of(
                "", ";", ";;", "network n {}", "network \"n m\" { ; subnet 10.0.0.0/24; ; }",
                "settings { layout owned; chain-prefix \"NP\" }",
                "container c { attach n ip 10.0.0.2 ip6 fd00::2 mac 02:42:ac:11:00:02 attach m; publish 8080 -> 80/udp publish 53 }",
                "network n { internal } network m { internal on; internal off icc off masquerade x userland-proxy on }",
                "network n { internal x }",
                "network o { driver overlay peers 10.0.0.1, 10.0.0.2 uplink a,b uplink-mtu 1450 vxlan-id 42 }",
                "node a { address 10.0.0.1 underlay eth0 }",
                "foo", "foo bar \"baz\" { x y \"z\\\"q\" }", "frobnicate { subnet 10.0.0.0/8 }",
                "network n { foo \"a\\\\b\" bar; }",
                "define web = { a, container b, network c, 10.0.0.0/8, \"q\", { d }, }",
                "define e = {}",
                "allow a -> b", "deny network a -> container b port 80, 443/tcp proto tcp",
                "reject { a, b } -> \"c d\" comment \"why \\\"not\\\"\" port 1 icmp-type echo-request",
                "log a -> b", "log prefix \"p \\\\ q\" a -> b", "log prefix p deny a -> b comment c proto udp",
                "log allow {a,b,} -> {} port 1,2,3",
                "include \"other.net\" include x.net",
                "allow a -> b network n {}", "allow a -> b c");
        for (String s : taken) {
            assertTrue(check(s), () -> "the fast path must take " + FastLexerTest.quote(s));
        }
        List<String> rejected = List.of(
                "{", "}", "network", "network n", "network n {", "network n { subnet }", "network {}",
                "network n { icc \"on\" }", "network n { icc }", "network n { internal \"x\" }",
                "container c { attach n ip }", "container c { publish }", "container c { publish 1 -> }",
                "network o { peers a, }", "network n { network x }", "define x { a }", "define x = a",
                "define = { a }", "allow", "allow a", "allow a ->", "allow -> b", "allow a b", "log", "log prefix a -> b",
                "log prefix", "allow a -> b port", "allow a -> b port 1,", "allow a -> b comment", "allow a -> b \"c\"",
                "allow { a b } -> c", "allow { , } -> c", "allow {a,,} -> c", "allow network -> b", "deny allow a -> b",
                "log deny log a -> b", "include", "include {", "foo {", "foo { bar", "-> a", "= a", ", a",
                "network n { subnet 10.0.0.0/24 } }", "network n { \"subnet\" x }", "on", "port 80");
        for (String s : rejected) {
            assertTrue(!check(s), () -> "the fast path must give up on " + FastLexerTest.quote(s));
        }
    }

    /** Braces up to the limit parse on both paths alike; deeper ones are one diagnostic, not a stack overflow. */
    @Test
    void nestingHasALimitAndADiagnostic() {
        int max = PolicyParser.MAX_NESTING;
        String atLimit = "define x = " + "{".repeat(max) + "a" + "}".repeat(max);
        assertTrue(check(atLimit));
        assertTrue(check("network n { }\nallow " + "{".repeat(max) + "a" + "}".repeat(max) + " -> b"));
        for (int depth : new int[] {max + 1, 100_000}) {
            String deep = "network n {}\ndefine x = " + "{".repeat(depth) + "a" + "}".repeat(depth);
            assertTrue(!check(deep));
            Diagnostics diags = new Diagnostics();
            PolicyParser.parse("t.net", deep, diags);
            assertEquals(1, diags.errorCount());
            assertEquals("braces nested more than " + max + " deep", diags.sorted().get(0).message());
            assertEquals(2, diags.sorted().get(0).span().line());
            assertEquals(12 + max, diags.sorted().get(0).span().column());
        }
    }

    /** A file over the size at which it is parsed in two halves at once. */
    @Test
    void aFileParsedInTwoHalves() {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.length() < PolicyParser.PARALLEL_MIN_CHARS * 2) {
            b.append("network n").append(i).append(" { subnet 10.").append(i / 250 % 250).append('.').append(i % 250)
                    .append(".0/24 }\ncontainer c").append(i).append(" {\n  attach n").append(i)
                    .append(" ip 10.0.0.2\n  publish ").append(1000 + i % 60000).append(" -> 80\n}\nallow c").append(i)
                    .append(" -> \"x y\" port 80 comment \"n").append(i).append("\"\n");
            i++;
        }
        assertTrue(check(b.toString()));
        // a syntax error in either half sends the whole file to the grammar's path
        assertTrue(!check(b.toString().replaceFirst("subnet", "subnet {")));
        String text = b.toString();
        int late = text.lastIndexOf("publish");
        assertTrue(!check(text.substring(0, late) + "publish ->" + text.substring(late + "publish".length())));
    }

    // ---- generated policies ----

    private static final List<String> VALUES = List.of(
            "a", "web", "10.0.0.0/24", "fd00::/64", "8080", "80/udp", "02:42:ac:11:00:02", "x-y", "host", "external",
            "\"a b\"", "\"\"", "\"q\\\"q\"", "\"b\\\\s\"", "\"network\"", "\"é\"");
    private static final List<String> ONE_VALUE = List.of(
            "driver", "subnet", "ip-range", "gateway", "bridge-name", "mtu", "snat-source", "host-binding", "parent",
            "mode", "vlan", "vxlan-id", "underlay", "netns", "node", "address", "chain-prefix", "forward-policy",
            "nft-table", "uplink-mtu", "layout");

    private static String pick(Random r, List<String> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static void value(Random r, List<String> out) {
        out.add(pick(r, VALUES));
    }

    private static void values(Random r, List<String> out) {
        value(r, out);
        for (int i = r.nextInt(3); i > 0; i--) {
            out.add(",");
            value(r, out);
        }
    }

    private static void block(Random r, List<String> out) {
        out.add("{");
        for (int i = r.nextInt(5); i > 0; i--) {
            switch (r.nextInt(9)) {
                case 0 -> {
                    out.add(pick(r, ONE_VALUE));
                    value(r, out);
                }
                case 1 -> {
                    out.add(pick(r, List.of("icc", "masquerade", "userland-proxy")));
                    out.add(pick(r, List.of("on", "off", "x")));
                }
                case 2 -> {
                    out.add("internal");
                    if (r.nextBoolean()) {
                        out.add(pick(r, List.of("on", "off")));
                    }
                }
                case 3 -> {
                    out.add(pick(r, List.of("peers", "uplink")));
                    values(r, out);
                }
                case 4 -> {
                    out.add("attach");
                    value(r, out);
                    for (int k = r.nextInt(3); k > 0; k--) {
                        out.add(pick(r, List.of("ip", "ip6", "mac")));
                        value(r, out);
                    }
                }
                case 5 -> {
                    out.add("publish");
                    value(r, out);
                    if (r.nextBoolean()) {
                        out.add("->");
                        value(r, out);
                    }
                }
                case 6 -> {
                    out.add("unknown-word");
                    for (int k = r.nextInt(3); k > 0; k--) {
                        value(r, out);
                    }
                }
                default -> out.add(";");
            }
        }
        out.add("}");
    }

    private static void endpoint(Random r, List<String> out, int depth) {
        switch (depth > 1 ? r.nextInt(2) : r.nextInt(4)) {
            case 0 -> value(r, out);
            case 1 -> {
                out.add(pick(r, List.of("network", "container")));
                value(r, out);
            }
            default -> set(r, out, depth + 1);
        }
    }

    private static void set(Random r, List<String> out, int depth) {
        out.add("{");
        for (int i = r.nextInt(4); i > 0; i--) {
            endpoint(r, out, depth);
            if (i > 1 || r.nextBoolean()) {
                out.add(",");
            }
        }
        out.add("}");
    }

    private static List<String> policy(Random r) {
        List<String> out = new ArrayList<>();
        for (int n = r.nextInt(6); n > 0; n--) {
            switch (r.nextInt(9)) {
                case 0 -> {
                    out.add("include");
                    value(r, out);
                }
                case 1 -> {
                    out.add("settings");
                    block(r, out);
                }
                case 2, 3 -> {
                    out.add(pick(r, List.of("network", "container", "node")));
                    value(r, out);
                    block(r, out);
                }
                case 4 -> {
                    out.add("define");
                    value(r, out);
                    out.add("=");
                    set(r, out, 1);
                }
                case 5, 6 -> {
                    if (r.nextInt(3) == 0) {
                        out.add("log");
                        if (r.nextBoolean()) {
                            out.add("prefix");
                            value(r, out);
                        }
                    }
                    if (r.nextInt(4) > 0) {
                        out.add(pick(r, List.of("allow", "deny", "reject")));
                    }
                    endpoint(r, out, 0);
                    out.add("->");
                    endpoint(r, out, 0);
                    for (int k = r.nextInt(4); k > 0; k--) {
                        String key = pick(r, List.of("port", "proto", "icmp-type", "comment"));
                        out.add(key);
                        if (key.equals("comment")) {
                            value(r, out);
                        } else {
                            values(r, out);
                        }
                    }
                }
                case 7 -> {
                    out.add("mystery");
                    for (int k = r.nextInt(3); k > 0; k--) {
                        value(r, out);
                    }
                    if (r.nextBoolean()) {
                        block(r, out);
                    }
                }
                default -> out.add(";");
            }
        }
        return out;
    }

    /** Every token the grammar knows, for mutations. */
    private static final List<String> ANY_TOKEN = anyToken();

    private static List<String> anyToken() {
        List<String> all = new ArrayList<>(VALUES);
        for (int type = 1; type <= NetPolicyParser.VOCABULARY.getMaxTokenType(); type++) {
            String literal = NetPolicyParser.VOCABULARY.getLiteralName(type);
            if (literal != null) {
                all.add(literal.substring(1, literal.length() - 1));
            }
        }
        return all;
    }

    /** A policy from the grammar's shapes, then (half the time) up to three tokens removed, added or swapped. */
    static String generated(long seed) {
        Random r = new Random(seed);
        List<String> tokens = policy(r);
        if (r.nextBoolean()) {
            for (int m = 1 + r.nextInt(3); m > 0; m--) {
                int at = tokens.isEmpty() ? 0 : r.nextInt(tokens.size());
                switch (r.nextInt(3)) {
                    case 0 -> {
                        if (!tokens.isEmpty()) {
                            tokens.remove(at);
                        }
                    }
                    case 1 -> tokens.add(at, pick(r, ANY_TOKEN));
                    default -> {
                        if (at + 1 < tokens.size()) {
                            tokens.set(at, tokens.set(at + 1, tokens.get(at)));
                        }
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder();
        for (String t : tokens) {
            b.append(t).append(pick(r, List.of(" ", " ", "\n", "\t", "  # c\n")));
        }
        return b.toString();
    }

    @Property(tries = 4000)
    void generatedPolicies(@ForAll long seed) {
        check(generated(seed));
    }

    /** The generator is worth something only if it yields both kinds of text. */
    @Test
    void theGeneratorYieldsValidAndInvalidPolicies() {
        int taken = 0;
        for (long seed = 0; seed < 400; seed++) {
            if (check(generated(seed))) {
                taken++;
            }
        }
        assertTrue(taken > 100 && taken < 350, taken + " of 400 generated policies were valid");
    }
}
