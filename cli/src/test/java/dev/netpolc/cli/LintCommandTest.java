package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netpolc lint} as CI runs it: directories, unreadable files, codes, suppressions, thresholds, colour. */
class LintCommandTest {

    @TempDir
    Path dir;

    /** NP3010 on line 5 (attach zeta): the gateway is alpha, by name. */
    private static final String NP3010 = "network zeta  { subnet 10.200.9.0/24 }\n"
            + "network alpha { subnet 10.200.10.0/24 }\n"
            + "container worker {\n"
            + "    publish 8080 -> 80\n"
            + "    attach  zeta\n"
            + "    attach  alpha\n"
            + "}\n";

    private static final String CLEAN = "network bridge {}\ncontainer web { publish 8080 -> 80 }\n";

    private Run lint(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "lint";
        System.arraycopy(args, 0, all, 1, args.length);
        return Run.netpolcIn(dir, new byte[0], all);
    }

    private void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void aDirectoryIsSearchedRecursivelyInSortedOrderAndIncludesAreNotLintedTwice() throws IOException {
        write("p/b.net", NP3010);
        write("p/sub/a.net", NP3010);
        write("p/a.net", "include \"_frag.net\"\ncontainer c { attach frag }\n");
        // a fragment that does not compile alone: linted only as part of a.net
        write("p/_frag.net", "network frag { subnet 10.9.0.0/24 }\ncontainer d { attach frag\n attach nosuch }\n");
        write("p/notes.txt", "not a policy");
        Run run = lint("--format", "json", "p");
        assertEquals(1, run.exitCode(), run.err());
        JsonNode root = ModelJson.MAPPER.readTree(run.out());
        assertEquals(List.of("p/a.net", "p/b.net", "p/sub/a.net"), names(root.get("policies")));
        long undefined = 0;
        for (JsonNode d : root.get("diagnostics")) {
            if (d.get("code").asText().equals("NP2003")) {
                undefined++;
                assertEquals("p/_frag.net", d.get("file").asText());
            }
        }
        assertEquals(1, undefined, "the fragment's error is reported once, through the file that includes it: " + run.out());
        // a file named both alone and through its directory is linted once
        Run twice = lint("--format", "json", "p/b.net", "p");
        assertEquals(List.of("p/b.net", "p/a.net", "p/sub/a.net"), names(ModelJson.MAPPER.readTree(twice.out()).get("policies")));
        Run spelt = lint("--format", "json", "./p/b.net", "p", "p/../p/sub/a.net");
        assertEquals(List.of("./p/b.net", "p/a.net", "p/sub/a.net"), names(ModelJson.MAPPER.readTree(spelt.out()).get("policies")));
        // standard input that includes a file given too: the file is linted through it
        Run stdin = Run.netpolcIn(dir, "include \"p/_frag.net\"\ncontainer s { attach frag }\n".getBytes(),
                "lint", "--format", "json", "p/_frag.net", "-");
        assertEquals(List.of("<stdin>"), names(ModelJson.MAPPER.readTree(stdin.out()).get("policies")));
    }

    private static List<String> names(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void anUnreadableFileIsAFindingAndTheOthersAreStillLinted() throws IOException {
        write("a.net", NP3010);
        write("z.net", NP3010);
        Run text = lint("a.net", "missing.net", "z.net");
        assertEquals(3, text.exitCode(), text.err());
        assertTrue(text.err().contains("missing.net: error: cannot read 'missing.net': no such file or directory\n"), text.err());
        assertTrue(text.err().contains("a.net:5:") && text.err().contains("z.net:5:"), text.err());
        assertTrue(text.err().endsWith("netpolc: 2 warnings in 2 policies; 1 file could not be read\n"), text.err());

        Run json = lint("--format", "json", "a.net", "missing.net");
        assertEquals(3, json.exitCode());
        JsonNode root = ModelJson.MAPPER.readTree(json.out());
        assertEquals("missing.net", root.get("unreadable").get(0).get("file").asText());
        assertEquals(1, root.get("diagnostics").size());

        Run sarif = lint("--format", "sarif", "missing.net", "a.net");
        assertEquals(3, sarif.exitCode());
        JsonNode run = ModelJson.MAPPER.readTree(sarif.out()).get("runs").get(0);
        JsonNode invocation = run.get("invocations").get(0);
        assertFalse(invocation.get("executionSuccessful").asBoolean());
        JsonNode note = invocation.get("toolExecutionNotifications").get(0);
        assertEquals("error", note.get("level").asText());
        assertTrue(note.get("message").get("text").asText().contains("cannot read 'missing.net'"), note.toString());
        assertEquals("missing.net", note.get("locations").get(0).get("physicalLocation").get("artifactLocation").get("uri").asText());
        assertEquals(1, run.get("results").size(), "a.net is linted all the same");
    }

    @Test
    void everyWarningCodeCanBeDisabledInCommaListsAndRepeatedly() throws IOException {
        write("internal.net", "network data { subnet 10.3.0.0/24; internal }\n"
                + "container db { attach data\n publish 5432 -> 5432 }\n" + NP3010.replace("worker", "w2"));
        Run all = lint("internal.net");
        assertTrue(all.err().contains("warning[NP2028]") && all.err().contains("warning[NP3010]"), all.err());
        Run off = lint("--disable", "NP2028", "--warnings-as-errors", "--disable", "np3010,NP3011", "internal.net");
        assertEquals(0, off.exitCode(), off.err());
        assertFalse(off.err().contains("warning["), off.err());
        Run back = lint("--disable", "all", "--enable", "NP2028,NP3001", "internal.net");
        assertTrue(back.err().contains("warning[NP2028]") && !back.err().contains("NP3010"), back.err());
        Run unknown = lint("--disable", "NP3010,NP9999", "internal.net");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown warning code 'NP9999'"), unknown.err());
        Run error = lint("--disable", "NP2003", "internal.net");
        assertEquals(2, error.exitCode());
        assertTrue(error.err().contains("an error, which cannot be disabled"), error.err());
        assertTrue(Run.netpolc("lint", "--list-checks").out().contains("NP2028  warning"), "--list-checks shows NP2028");
    }

    @Test
    void anInlineSuppressionWithAReasonSuppressesItsCodeOnTheNextItemOnly() throws IOException {
        write("s.net", "network zeta  { subnet 10.200.9.0/24 }\n"
                + "network alpha { subnet 10.200.10.0/24 }\n"
                + "# netpolc: ignore NP3010 -- alpha carries the ports on purpose\n"
                + "container worker {\n"
                + "    attach  zeta\n"
                + "    attach  alpha\n"
                + "}\n"
                + "container other {\n"
                + "    attach  zeta\n"
                + "    attach  alpha\n"
                + "}\n");
        Run run = lint("--fail-on", "warning", "s.net");
        assertEquals(1, run.exitCode());
        assertFalse(run.err().contains("s.net:5:"), "worker's NP3010 is suppressed: " + run.err());
        assertTrue(run.err().contains("s.net:9:13: warning[NP3010]"), "other's is not (the next item only): " + run.err());
        assertFalse(run.err().contains("NP3016") || run.err().contains("NP3017"), run.err());
    }

    @Test
    void aSuppressionWithoutAReasonOrThatSuppressesNothingIsAWarning() throws IOException {
        write("s.net", "network zeta  { subnet 10.200.9.0/24 }\n"
                + "network alpha { subnet 10.200.10.0/24 }\n"
                + "container worker {\n"
                + "    # netpolc: ignore NP3010\n"
                + "    attach  zeta\n"
                + "    attach  alpha\n"
                + "}\n"
                + "# netpolc: ignore NP3001 -- no such finding here\n"
                + "container third { attach alpha }\n"
                + "# netpolc: ignore NP2003 -- errors cannot be suppressed\n"
                + "container fourth { attach alpha }\n");
        Run run = lint("s.net");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("warning[NP3010]"), "a suppression without reason still suppresses: " + run.err());
        assertTrue(run.err().contains("s.net:4:5: warning[NP3017]: this suppression of NP3010 does not say why"), run.err());
        assertTrue(run.err().contains("s.net:8:1: warning[NP3016]: this suppression of NP3001 suppresses nothing"), run.err());
        assertTrue(run.err().contains("s.net:10:1: warning[NP3016]: this suppression of NP2003 suppresses nothing"), run.err());
        // a disabled check cannot make its suppression look stale
        Run disabled = lint("--disable", "NP3001", "s.net");
        assertFalse(disabled.err().contains("s.net:8:1:"), disabled.err());
        assertFalse(lint("--disable", "NP3016,NP3017", "s.net").err().contains("warning["), "both can be disabled");
        // and an error is never suppressed
        write("e.net", "# netpolc: ignore NP2003 -- try\ncontainer c { attach nosuch }\n");
        Run error = lint("e.net");
        assertEquals(1, error.exitCode());
        assertTrue(error.err().contains("error[NP2003]"), error.err());
    }

    @Test
    void theNearestConfigurationFileUpFromAPolicyAppliesAndTheCommandLineComesAfterIt() throws IOException {
        write("repo/.netpolc.toml", "[lint]\ndisable = [\"NP3010\"]\n");
        write("repo/a/w.net", NP3010);
        write("repo/b/.netpolc.toml", "[lint]\nfail-on = \"warning\"\n");
        write("repo/b/w.net", NP3010);
        Run a = lint("repo/a/w.net");
        assertEquals(0, a.exitCode(), a.err());
        assertFalse(a.err().contains("NP3010"), "repo/.netpolc.toml disables it: " + a.err());
        Run back = lint("--enable", "NP3010", "repo/a/w.net");
        assertTrue(back.err().contains("warning[NP3010]"), "the command line comes after the file: " + back.err());
        Run b = lint("repo/b/w.net");
        assertEquals(1, b.exitCode(), "the nearest file (repo/b) fails on warnings: " + b.err());
        assertTrue(b.err().contains("warning[NP3010]"), "and only the nearest counts: " + b.err());
        assertEquals(0, lint("--fail-on", "error", "repo/b/w.net").exitCode(), "--fail-on wins over the file");
        write("bad/.netpolc.toml", "[lint]\ndisabled = [\"NP3010\"]\n");
        write("bad/w.net", NP3010);
        Run bad = lint("bad/w.net");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains(".netpolc.toml': unknown key 'disabled' in [lint]"), bad.err());
        write("ugly/.netpolc.toml", "[lint\n");
        write("ugly/w.net", NP3010);
        Run ugly = lint("ugly/w.net");
        assertEquals(2, ugly.exitCode(), ugly.err());
        assertEquals(2, ugly.err().lines().count(), "one line and the usage hint, no stack trace: " + ugly.err());
        write("code/.netpolc.toml", "[lint]\ndisable = [\"NP2003\"]\n");
        write("code/w.net", NP3010);
        assertTrue(lint("code/w.net").err().contains("unknown warning code 'NP2003' in '"), "the file is named");
    }

    @Test
    void failOnSetsTheThresholdAndWarningsAsErrorsIsFailOnWarning() throws IOException {
        write("w.net", NP3010);
        write("clean.net", CLEAN);
        assertEquals(0, lint("w.net").exitCode());
        assertEquals(0, lint("--fail-on", "error", "w.net").exitCode());
        assertEquals(1, lint("--fail-on", "warning", "w.net").exitCode());
        assertEquals(1, lint("--fail-on", "note", "w.net").exitCode());
        assertEquals(1, lint("--warnings-as-errors", "w.net").exitCode());
        assertEquals(1, lint("-W", "--fail-on", "warning", "w.net").exitCode());
        assertEquals(0, lint("--fail-on", "note", "clean.net").exitCode());
        assertEquals(2, lint("--fail-on", "info", "w.net").exitCode());
        assertEquals(2, lint("--warnings-as-errors", "--fail-on", "error", "w.net").exitCode());
    }

    @Test
    void sarifRulesLinkToTheirDocsPages() throws IOException {
        write("w.net", NP3010);
        write("e.net", "container x { attach nosuch }\n");
        JsonNode rules = ModelJson.MAPPER.readTree(lint("--format", "sarif", "w.net", "e.net").out())
                .get("runs").get(0).get("tool").get("driver").get("rules");
        assertEquals(2, rules.size());
        for (JsonNode r : rules) {
            String uri = r.get("helpUri").asText();
            assertTrue(uri.startsWith(Main.docsUrl()) && java.net.URI.create(uri).isAbsolute(), uri);
            String page = uri.substring(Main.docsUrl().length()).replaceAll("#.*", "");
            assertTrue(Files.isRegularFile(Repo.root().resolve("docs").resolve(page)), "helpUri names a page of docs/: " + uri);
        }
        assertEquals(Main.docsUrl() + "cli.md#diagnostic-codes", rules.get(0).get("helpUri").asText());
        assertEquals(Main.docsUrl() + "checks/NP3010.md", rules.get(1).get("helpUri").asText());
        assertTrue(Files.readString(Repo.root().resolve("docs/cli.md")).contains("\n### Diagnostic codes\n"),
                "the anchor #diagnostic-codes exists");
    }

    @Test
    void colourOnlyWhenAskedOrOnATerminalAndNeverInJsonOrSarif() throws IOException {
        write("w.net", NP3010);
        Run always = lint("--color", "always", "w.net");
        assertTrue(always.err().contains("\u001b[1;35mwarning[NP3010]:\u001b[0m"), always.err());
        Run never = lint("--color", "never", "w.net");
        assertFalse(never.err().contains("\u001b"), never.err());
        assertEquals(never.err(), always.err().replaceAll("\u001b\\[[0-9;]*m", ""), "colour changes nothing but escapes");
        // the tests' stderr is no terminal: auto gives plain text
        assertFalse(lint("w.net").err().contains("\u001b"));
        for (String format : List.of("json", "sarif")) {
            assertFalse(lint("--color", "always", "--format", format, "w.net").out().contains("\u001b"), format);
        }
        assertEquals(2, lint("--color", "sometimes", "w.net").exitCode());

        assertTrue(Terminal.colour("auto", Map.of(), true));
        assertFalse(Terminal.colour("auto", Map.of(), false));
        assertFalse(Terminal.colour("auto", Map.of("NO_COLOR", "1"), true), "NO_COLOR turns auto off");
        assertTrue(Terminal.colour("auto", Map.of("NO_COLOR", ""), true), "an empty NO_COLOR is unset");
        assertTrue(Terminal.colour("always", Map.of("NO_COLOR", "1"), false), "the command line wins over NO_COLOR");
        assertFalse(Terminal.colour("never", Map.of(), true));
        assertFalse(Terminal.colour("auto", Map.of("TERM", "dumb"), true));
    }

    @Test
    void aTerminalIsRecognisedByTheDeviceItsDescriptorNames() throws IOException {
        Path pts = dir.resolve("fd-pts");
        Files.createSymbolicLink(pts, Path.of("/dev/pts/3"));
        Path tty = dir.resolve("fd-tty");
        Files.createSymbolicLink(tty, Path.of("/dev/tty1"));
        Path pipe = dir.resolve("fd-pipe");
        Files.createSymbolicLink(pipe, Path.of("pipe:[12345]"));
        Path file = dir.resolve("fd-file");
        Files.createSymbolicLink(file, dir.resolve("log.txt"));
        assertTrue(Terminal.isTerminalDevice(pts));
        assertTrue(Terminal.isTerminalDevice(tty));
        assertFalse(Terminal.isTerminalDevice(pipe));
        assertFalse(Terminal.isTerminalDevice(file));
        assertFalse(Terminal.isTerminalDevice(dir.resolve("none")));
    }
}
