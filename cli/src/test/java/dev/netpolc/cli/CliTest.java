package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, streams, files. */
class CliTest {

    private static final String GOOD = "network bridge {}\ncontainer web { publish 8080 -> 80 }\n";
    private static final String BAD = "network bridge {}\ncontainer web { attach brige }\n";

    @TempDir
    Path dir;

    @Test
    void helpAndVersionGoToStdoutWithExitZero() {
        Run help = Run.netpolc("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("compile"), help.out());
        assertEquals("", help.err());
        Run version = Run.netpolc("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().matches("netpolc \\d+\\.\\d+\\.\\d+.*\\n"), version.out());
        Run commandHelp = Run.netpolc("compile", "--help");
        assertEquals(0, commandHelp.exitCode());
        assertTrue(commandHelp.out().contains("--target"), commandHelp.out());
        assertTrue(commandHelp.out().contains("iptables"), commandHelp.out());
        assertEquals(commandHelp.out(), Run.netpolc("help", "compile").out());
    }

    @Test
    void noArgumentsIsAUsageError() {
        Run run = Run.netpolc();
        assertEquals(2, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().contains("usage:"), run.err());
    }

    @Test
    void unknownCommandSuggestsTheClosestOne() {
        Run run = Run.netpolc("compil", "x.net");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown command 'compil'; did you mean 'compile'?"), run.err());
    }

    @Test
    void usageMistakesExitTwo() throws IOException {
        Path p = write("p.net", GOOD);
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "compile", "-t", "pf", p.toString()).exitCode());
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "compile").exitCode());
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "compile", p.toString(), p.toString()).exitCode());
        Run unknownOption = Run.netpolcIn(dir, new byte[0], "compile", "--frobnicate", p.toString());
        assertEquals(2, unknownOption.exitCode());
        assertTrue(unknownOption.err().contains("frobnicate"), unknownOption.err());
    }

    @Test
    void unreadableInputExitsThreeWithOneLineAndNoStackTrace() throws IOException {
        Run missing = Run.netpolcIn(dir, new byte[0], "compile", "nope.net");
        assertEquals(3, missing.exitCode());
        assertEquals("netpolc: cannot read 'nope.net': no such file or directory\n", missing.err());
        Files.createDirectory(dir.resolve("d.net"));
        Run directory = Run.netpolcIn(dir, new byte[0], "compile", "d.net");
        assertEquals(3, directory.exitCode());
        assertEquals("netpolc: cannot read 'd.net': it is a directory\n", directory.err());
    }

    @Test
    void errorsGoToStderrAndNothingToStdout() throws IOException {
        write("bad.net", BAD);
        Run run = Run.netpolcIn(dir, new byte[0], "compile", "bad.net");
        assertEquals(1, run.exitCode());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("bad.net:2:24: error[NP2003]: undefined network 'brige'\n"), run.err());
        assertTrue(run.err().contains("note: did you mean 'bridge'?"), run.err());
        assertTrue(run.err().endsWith("netpolc: 1 error; nothing was written\n"), run.err());
    }

    @Test
    void warningsDoNotStopOutput() throws IOException {
        write("w.net", "network bridge {}\nnetwork i { subnet 10.9.0.0/24; internal }\n"
                + "container c { attach i; publish 80 -> 80 }\n");
        Run run = Run.netpolcIn(dir, new byte[0], "compile", "w.net");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("*filter\n"), run.out());
        assertTrue(run.err().contains("warning[NP2028]"), run.err());
    }

    @Test
    void standardInputIsReadWithDashAndNamedStdin() {
        Run good = Run.netpolcIn(dir, GOOD.getBytes(StandardCharsets.UTF_8), "compile", "-");
        assertEquals(0, good.exitCode(), good.err());
        assertTrue(good.out().contains("--dport 8080 -j DNAT --to-destination 172.17.0.2:80"), good.out());
        Run bad = Run.netpolcIn(dir, BAD.getBytes(StandardCharsets.UTF_8), "compile", "-");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().startsWith("<stdin>:2:24: error[NP2003]"), bad.err());
    }

    @Test
    void outputFileIsWrittenWholeAndLeftAloneOnError() throws IOException {
        write("good.net", GOOD);
        write("bad.net", BAD);
        Run ok = Run.netpolcIn(dir, new byte[0], "compile", "-o", "rules.txt", "good.net");
        assertEquals(0, ok.exitCode(), ok.err());
        assertEquals("", ok.out());
        String written = Files.readString(dir.resolve("rules.txt"));
        assertEquals(Run.netpolcIn(dir, new byte[0], "compile", "good.net").out(), written);

        Run failed = Run.netpolcIn(dir, new byte[0], "compile", "-o", "rules.txt", "bad.net");
        assertEquals(1, failed.exitCode());
        assertEquals(written, Files.readString(dir.resolve("rules.txt")), "the old file must be untouched");
        Run notCreated = Run.netpolcIn(dir, new byte[0], "compile", "-o", "new.txt", "bad.net");
        assertEquals(1, notCreated.exitCode());
        assertFalse(Files.exists(dir.resolve("new.txt")), "no file may be created for a policy with errors");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file may remain");
        }
    }

    @Test
    void outputFileKeepsItsModeAndSymlinksAreWrittenThrough() throws IOException {
        write("good.net", GOOD);
        Path rules = write("rules.txt", "old\n");
        Files.setPosixFilePermissions(rules, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.createSymbolicLink(dir.resolve("current.txt"), rules.getFileName());
        assertEquals(0, Run.netpolcIn(dir, new byte[0], "compile", "-o", "current.txt", "good.net").exitCode());
        assertTrue(Files.isSymbolicLink(dir.resolve("current.txt")), "the link must stay a link");
        assertTrue(Files.readString(rules).startsWith("*filter\n"), "the file behind the link gets the rules");
        assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(rules)));
        assertEquals(0, Run.netpolcIn(dir, new byte[0], "compile", "-o", "fresh.txt", "good.net").exitCode());
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("fresh.txt"))));
    }

    @Test
    void unwritableOutputExitsThree() throws IOException {
        write("good.net", GOOD);
        Run run = Run.netpolcIn(dir, new byte[0], "compile", "-o", "no/such/dir/rules.txt", "good.net");
        assertEquals(3, run.exitCode());
        assertTrue(run.err().startsWith("netpolc: cannot write 'no/such/dir/rules.txt'"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void inspectAndLsShowTheResolvedModel() throws IOException {
        write("p.net", "network bridge {}\nnetwork app { subnet 10.5.0.0/24; icc off }\n"
                + "container web { attach app; publish 8080 -> 80 }\n");
        Run ls = Run.netpolcIn(dir, new byte[0], "ls", "p.net");
        assertEquals(0, ls.exitCode(), ls.err());
        assertEquals("NAME    DRIVER  BRIDGE", ls.out().lines().findFirst().orElseThrow().substring(0, 22));
        assertTrue(ls.out().lines().anyMatch(l -> l.matches("app +bridge +br-[0-9a-f]{12} +10\\.5\\.0\\.0/24 +- +no-icc +1")),
                ls.out());
        Run text = Run.netpolcIn(dir, new byte[0], "inspect", "p.net", "web");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("eth0        network app 10.5.0.2  mac 02:42:0a:05:00:02"), text.out());
        assertTrue(text.out().contains("publish     0.0.0.0:8080 -> 10.5.0.2:80/tcp"), text.out());
        assertFalse(text.out().contains("network bridge"), "only the named object is shown");
        Run json = Run.netpolcIn(dir, new byte[0], "inspect", "--format", "json", "p.net");
        assertEquals(0, json.exitCode(), json.err());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertEquals("10.5.0.1", tree.at("/networks/1/ipv4/gateway").asText());
        assertEquals(8080, tree.at("/containers/0/ports/0/hostPort").asInt());
        assertTrue(tree.at("/containers/0/ports/0/hostAddress").isNull());
        Run unknown = Run.netpolcIn(dir, new byte[0], "inspect", "p.net", "wbe");
        assertEquals(1, unknown.exitCode());
        assertEquals("netpolc: no network or container named wbe\n", unknown.err());
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "inspect", "--format", "yaml", "p.net").exitCode());
    }

    @Test
    void lintExitCodesFollowSeverity() throws IOException {
        write("warn.net", "network bridge {}\nnetwork spare { subnet 10.9.0.0/24 }\n");
        write("bad.net", BAD);
        write("clean.net", GOOD);
        Run clean = Run.netpolcIn(dir, new byte[0], "lint", "clean.net");
        assertEquals(0, clean.exitCode(), clean.err());
        assertEquals("netpolc: no problems found in 1 policy\n", clean.err());
        Run warn = Run.netpolcIn(dir, new byte[0], "lint", "warn.net");
        assertEquals(0, warn.exitCode(), "warnings alone pass");
        assertTrue(warn.err().contains("warning[NP3001]"), warn.err());
        assertEquals(1, Run.netpolcIn(dir, new byte[0], "lint", "--warnings-as-errors", "warn.net").exitCode());
        Run disabled = Run.netpolcIn(dir, new byte[0], "lint", "--disable", "NP3001", "--warnings-as-errors", "warn.net");
        assertEquals(0, disabled.exitCode(), disabled.err());
        Run reenabled = Run.netpolcIn(dir, new byte[0], "lint", "--disable", "all", "--enable", "np3001", "warn.net");
        assertTrue(reenabled.err().contains("warning[NP3001]"), "enable after disable all, ids case-insensitive");
        assertEquals(1, Run.netpolcIn(dir, new byte[0], "lint", "bad.net", "clean.net").exitCode());
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "lint", "--disable", "NP9999", "clean.net").exitCode());
        assertEquals(2, Run.netpolcIn(dir, new byte[0], "lint", "--format", "xml", "clean.net").exitCode());
        Run json = Run.netpolcIn(dir, new byte[0], "lint", "--format", "json", "warn.net", "bad.net");
        assertEquals(1, json.exitCode());
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertEquals(1, tree.at("/summary/errors").asInt());
        assertEquals(1, tree.at("/summary/warnings").asInt());
        assertEquals("NP2003", tree.at("/diagnostics/0/code").asText());
        Run list = Run.netpolc("lint", "--list-checks");
        assertEquals(dev.netpolc.compiler.lint.Checks.ALL.size(), list.out().lines().filter(l -> l.startsWith("NP30")).count(),
                list.out());
        assertTrue(list.out().contains("NP3015  warning  overlapping-rules"), list.out());
    }

    @Test
    void lintCheckOutputRunsTheValidators() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Validators.which("unshare") != null && Validators.which("nft") != null
                && Validators.which("iptables-restore") != null,
                "unshare and nft are needed");
        write("clean.net", GOOD);
        Run run = Run.netpolcIn(dir, new byte[0], "lint", "--check-output", "clean.net");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("netpolc: no problems found in 1 policy\n", run.err());
        var rejected = Validators.validate("nftables", "table inet x {\n\tchain c {\n\t\tbogus\n\t}\n}\n", "p.net");
        assertEquals(1, rejected.size(), "nft -c must reject a broken ruleset");
        assertEquals("NP4001", rejected.get(0).code().id());
        assertTrue(rejected.get(0).message().startsWith("nft -c -f - rejected the nftables output: "), rejected.get(0).message());
        assertEquals(List.of(), Validators.validate("iptables", "*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n", "p.net"));
        assertEquals(1, Validators.validate("iptables", "*filter\n-A FORWARD -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n", "p.net").size());
    }

    private static final String NODES = "node node1 { address 192.0.2.11 }\nnode node2 { address 192.0.2.12 }\n"
            + "network bridge {}\ncontainer web { node node1; publish 8080 -> 80 }\n"
            + "container db { node node2; publish 5432 -> 5432 }\n";

    @Test
    void helpListsTheIplinkTargetsAndTheNodeOption() {
        Run help = Run.netpolc("help", "compile");
        for (String target : new String[] {"iplink", "iplink-teardown", "iplink-batch"}) {
            assertTrue(help.out().contains("\n  " + target + " "), () -> target + " missing from:\n" + help.out());
        }
        assertTrue(help.out().contains("--node NODE"), help.out());
    }

    @Test
    void everyTargetOfAPolicyWithNodesNeedsNode() throws IOException {
        write("nodes.net", NODES);
        for (String target : new String[] {"iptables", "ip6tables", "nftables", "iplink", "iplink-teardown", "iplink-batch"}) {
            Run run = Run.netpolcIn(dir, new byte[0], "compile", "-t", target, "nodes.net");
            assertEquals(2, run.exitCode(), run.err());
            assertEquals("", run.out());
            assertTrue(run.err().startsWith("nodes.net:1:6: error: target '" + target
                    + "' builds one host, but the policy declares nodes: node1, node2\n"), run.err());
            assertTrue(run.err().contains("--node node1 nodes.net"), run.err());
        }
        Run dflt = Run.netpolcIn(dir, new byte[0], "compile", "nodes.net");
        assertEquals(2, dflt.exitCode(), "the default target needs --node too: " + dflt.err());
        Run checked = Run.netpolcIn(dir, new byte[0], "lint", "--check-output", "nodes.net");
        assertEquals(0, checked.exitCode(), "lint checks every node's output: " + checked.err());
        Run one = Run.netpolcIn(dir, new byte[0], "compile", "-t", "iplink", "--node", "node1", "nodes.net");
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().contains("ns=\"$p\"'web'"), one.out());
        assertFalse(one.out().contains("'db'"), "node1's script must not build node2's container:\n" + one.out());
        Run two = Run.netpolcIn(dir, new byte[0], "compile", "-t", "iplink", "-n", "node2", "nodes.net");
        assertEquals(0, two.exitCode(), two.err());
        assertTrue(two.out().contains("ns=\"$p\"'db'") && !two.out().contains("'web'"), two.out());
    }

    @Test
    void anUnknownNodeIsAUsageError() throws IOException {
        write("nodes.net", NODES);
        write("plain.net", GOOD);
        Run misspelt = Run.netpolcIn(dir, new byte[0], "compile", "-t", "iplink", "--node", "nod1", "nodes.net");
        assertEquals(2, misspelt.exitCode());
        assertEquals("", misspelt.out());
        assertTrue(misspelt.err().startsWith("netpolc: compile: unknown node 'nod1'; did you mean 'node1'? (nodes: node1, node2)\n"),
                misspelt.err());
        Run noNodes = Run.netpolcIn(dir, new byte[0], "compile", "-t", "iplink", "--node", "node1", "plain.net");
        assertEquals(2, noNodes.exitCode());
        assertTrue(noNodes.err().startsWith("netpolc: compile: --node node1: the policy declares no nodes\n"), noNodes.err());
        Run iptables = Run.netpolcIn(dir, new byte[0], "compile", "--node", "nod1", "nodes.net");
        assertEquals(2, iptables.exitCode(), "a misspelt node is an error for every target");
    }

    /** A node's firewall publishes its own containers' ports, never another node's; every node has every bridge. */
    @Test
    void aNodesFirewallHoldsOnlyItsOwnContainersPorts() throws IOException {
        write("nodes.net", NODES);
        for (String target : new String[] {"iptables", "nftables"}) {
            Run node1 = Run.netpolcIn(dir, new byte[0], "compile", "-t", target, "--node", "node1", "nodes.net");
            Run node2 = Run.netpolcIn(dir, new byte[0], "compile", "-t", target, "--node", "node2", "nodes.net");
            assertEquals(0, node1.exitCode(), node1.err());
            assertEquals(0, node2.exitCode(), node2.err());
            for (Run r : List.of(node1, node2)) {
                assertTrue(r.out().contains("docker0"), "every node has the bridge:\n" + r.out());
            }
            assertTrue(node1.out().contains("8080") && !node1.out().contains("5432"), target + " node1:\n" + node1.out());
            assertTrue(node2.out().contains("5432") && !node2.out().contains("8080"), target + " node2:\n" + node2.out());
        }
    }

    /** diff compares one host of a policy with nodes, as compile builds it. */
    @Test
    void diffOfAPolicyWithNodesComparesOneNode() throws IOException {
        write("nodes.net", NODES);
        Run none = Run.netpolcIn(dir, new byte[0], "diff", "nodes.net", "nodes.net");
        assertEquals(2, none.exitCode(), none.err());
        assertTrue(none.err().contains("declares nodes (node1, node2): choose the host with --node"), none.err());
        assertEquals(0, Run.netpolcIn(dir, new byte[0], "diff", "--node", "node2", "nodes.net", "nodes.net").exitCode());
        assertEquals(0, Run.netpolcIn(dir, new byte[0], "diff", "-t", "iplink", "--node", "node1", "nodes.net", "nodes.net")
                .exitCode(), "the iplink targets compare one node too");
        assertEquals(0, Run.netpolcIn(dir, new byte[0], "compile", "--node", "node1", "-o", "node1.rules", "nodes.net").exitCode());
        Run own = Run.netpolcIn(dir, new byte[0], "diff", "--node", "node1", "nodes.net", "--saved", "node1.rules");
        assertEquals(0, own.exitCode(), own.out() + own.err());
        Run other = Run.netpolcIn(dir, new byte[0], "diff", "--node", "node2", "nodes.net", "--saved", "node1.rules");
        assertEquals(1, other.exitCode(), "node1's rules are drift for node2:\n" + other.out() + other.err());
        write("plain.net", GOOD);
        Run plain = Run.netpolcIn(dir, new byte[0], "diff", "--node", "node1", "plain.net", "plain.net");
        assertEquals(2, plain.exitCode());
        assertTrue(plain.err().contains("--node node1: plain.net declares no nodes"), plain.err());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
