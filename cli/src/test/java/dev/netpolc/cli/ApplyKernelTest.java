package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code netpolc apply} on a real kernel, always with {@code --netns} and a namespace the test
 * creates (and deletes with every namespace apply created for containers): idempotence, A then B
 * equal to B, foreign rules, tables and links untouched, injected failures rolled back, --confirm,
 * the lock and --dry-run.
 */
@Tag("kernel")
class ApplyKernelTest {

    /** Docker's layout, prefix DOCKER; bridges only, filter and nat. */
    private static final String A = "policies/docker/i-containers.net";
    /** The owned layout, prefix NETPOL, dual stack, an SCTP port (mangle), table netpol. */
    private static final String B = "policies/features/owned-layout.net";

    private Path state;

    @BeforeEach
    void setUp() throws IOException {
        Kernel.require("ip", "nsenter", "unshare", "iptables-save", "iptables-restore", "ip6tables-save",
                "ip6tables-restore", "nft");
        state = Files.createTempDirectory("netpolc-apply-state");
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("netpolc.apply.fault");
        if (state == null) {
            // Kernel.require skipped the test before setUp made the directory
            return;
        }
        try (var s = Files.walk(state)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Run apply(Kernel.Netns ns, String... args) {
        List<String> all = new ArrayList<>(List.of("apply", "--netns", ns.name, "--state-dir", state.toString()));
        all.addAll(List.of(args));
        return Run.netpolc(all.toArray(String[]::new));
    }

    private Run status(Kernel.Netns ns, String... args) {
        List<String> all = new ArrayList<>(List.of("status", "--netns", ns.name, "--state-dir", state.toString()));
        all.addAll(List.of(args));
        return Run.netpolc(all.toArray(String[]::new));
    }

    /** What a namespace holds: the firewall as saved (without counters) and its links. */
    private record Snapshot(IptablesSave v4, IptablesSave v6, String nft, String links) {}

    private static Snapshot snapshot(Kernel.Netns ns) {
        Kernel.Result v4 = ns.exec(null, "iptables-save");
        Kernel.Result v6 = ns.exec(null, "ip6tables-save");
        Kernel.Result nft = ns.exec(null, "nft", "-s", "list", "ruleset");
        assertTrue(v4.ok() && v6.ok() && nft.ok(), v4.err() + v6.err() + nft.err());
        return new Snapshot(IptablesSave.parse(v4.out()), IptablesSave.parse(v6.out()), tables(nft.out()),
                links(ns, null));
    }

    /**
     * The tables of an nft listing, sorted, and the chains of each, sorted: iptables-nft-restore
     * recreates a table it restores, which moves it to the end of the listing, and creates user
     * chains in iptables-save's (alphabetical) order, whatever order they were created in. What
     * iptables-save shows is compared exactly.
     */
    private static String tables(String listing) {
        List<String> blocks = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (String line : listing.split("\n")) {
            if (line.equals("}")) {
                List<String> chains = new ArrayList<>();
                for (String c : b.toString().split("\n\n")) {
                    chains.add(c.strip());
                }
                chains.sort(null);
                blocks.add(String.join("\n\n", chains) + "\n}\n");
                b.setLength(0);
            } else {
                b.append(line).append('\n');
            }
        }
        blocks.add(b.toString());
        blocks.sort(null);
        return String.join("", blocks);
    }

    /**
     * 'ip -d link' and 'ip addr' of the namespace (one link when {@code link} is not null), without
     * what the kernel changes by itself: timers, carrier and operational state.
     */
    private static String links(Kernel.Netns ns, String link) {
        List<String> show = new ArrayList<>(List.of("ip", "-o", "-d", "link", "show"));
        List<String> addr = new ArrayList<>(List.of("ip", "-o", "addr", "show"));
        if (link != null) {
            show.add(link);
            addr.add(link);
        }
        Kernel.Result l = ns.exec(null, show.toArray(String[]::new));
        Kernel.Result a = ns.exec(null, addr.toArray(String[]::new));
        assertTrue(l.ok() && a.ok(), l.err() + a.err());
        return (l.out() + a.out()).replaceAll("[a-z_]*timer\\s+[0-9.]+", "").replaceAll("state [A-Z]+", "")
                .replaceAll("(LOWER_UP|NO-CARRIER|M-DOWN),?", "").replaceAll("valid_lft \\S+ preferred_lft \\S+", "")
                .replaceAll("tentative ", "");
    }

    /** The links by name and alias, sorted: what two namespaces built from one policy share. */
    private static TreeSet<String> linkNames(Kernel.Netns ns) {
        TreeSet<String> out = new TreeSet<>();
        for (String line : ns.exec(null, "ip", "-o", "link", "show").out().split("\n")) {
            String[] parts = line.split(": ", 3);
            if (parts.length < 3) {
                continue;
            }
            String name = parts[1].split("@")[0];
            int alias = line.indexOf("    alias ");
            out.add(name + (alias < 0 ? "" : " " + line.substring(alias + 10).split("\\\\")[0].strip()));
        }
        return out;
    }

    private static void assertOk(Run r) {
        assertEquals(0, r.exitCode(), () -> "exit " + r.exitCode() + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables-docker", "iptables-owned", "nftables"})
    void applyingTwiceChangesNothing(String how) {
        String[] opts = how.equals("nftables") ? new String[] {"--backend", "nftables"}
                : new String[] {"--backend", "iptables", "--layout", how.substring(9)};
        try (Kernel.Netns ns = new Kernel.Netns()) {
            List<String> first = new ArrayList<>(List.of(opts));
            first.add(B);
            assertOk(apply(ns, first.toArray(String[]::new)));
            Snapshot once = snapshot(ns);
            Run again = apply(ns, first.toArray(String[]::new));
            assertOk(again);
            assertTrue(again.err().contains(": no changes"), again.err());
            assertEquals(once, snapshot(ns));
            Run st = status(ns, B);
            assertEquals(0, st.exitCode(), st.out() + st.err());
            assertTrue(st.out().startsWith("in sync"), st.out());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void applyingAThenBGivesWhatBGivesOnACleanNamespace(String backend) {
        try (Kernel.Netns ab = new Kernel.Netns(); Kernel.Netns clean = new Kernel.Netns()) {
            assertOk(apply(ab, "--backend", backend, A));
            assertOk(apply(ab, "--backend", backend, B));
            assertOk(apply(clean, "--backend", backend, B));
            Snapshot x = snapshot(ab);
            Snapshot y = snapshot(clean);
            assertEquals(y.v4(), x.v4());
            assertEquals(y.v6(), x.v6());
            assertEquals(y.nft(), x.nft());
            // Two state directories, two owners in the marks: the same links otherwise.
            assertEquals(withoutOwner(linkNames(clean)), withoutOwner(linkNames(ab)));
            assertTrue(ab.children().stream().map(c -> c.substring(ab.prefix().length())).toList()
                    .equals(clean.children().stream().map(c -> c.substring(clean.prefix().length())).toList()),
                    ab.children() + " vs " + clean.children());
        }
    }

    /** Link names and marks, without the owner at the end of each mark. */
    private static List<String> withoutOwner(TreeSet<String> links) {
        return links.stream().map(l -> l.replaceFirst("@[0-9a-f]{16}$", "")).toList();
    }

    /**
     * iptables, then nftables, then apply without --backend (which stays on nftables), then
     * iptables again, then --down: after each step the firewall is what a namespace that saw only
     * that step's backend holds, and after --down what it was before the first apply.
     */
    @Test
    void backendSwitchesLeaveWhatTheNewBackendAloneGives() {
        try (Kernel.Netns ns = new Kernel.Netns(); Kernel.Netns onlyNft = new Kernel.Netns();
                Kernel.Netns onlyIpt = new Kernel.Netns()) {
            String before = firewall(ns);
            assertOk(apply(ns, "--backend", "iptables", A));
            Run toNft = apply(ns, "--backend", "nftables", A);
            assertOk(toNft);
            assertTrue(toNft.err().contains("~ switch backend: iptables -> nftables"), toNft.err());
            assertTrue(toNft.err().contains("policy of FORWARD DROP -> ACCEPT"), toNft.err());
            assertOk(apply(onlyNft, "--backend", "nftables", A));
            Snapshot x = snapshot(ns);
            Snapshot y = snapshot(onlyNft);
            assertEquals(y.v4(), x.v4(), "iptables after the switch to nftables");
            assertEquals(y.v6(), x.v6());
            assertEquals(y.nft(), x.nft());

            Run plain = apply(ns, A);
            assertOk(plain);
            assertTrue(plain.err().contains(": no changes"), "the recorded backend is the default: " + plain.err());
            Run st = status(ns, A);
            assertEquals(0, st.exitCode(), st.out() + st.err());

            Run toIpt = apply(ns, "--backend", "iptables", A);
            assertOk(toIpt);
            assertTrue(toIpt.err().contains("~ switch backend: nftables -> iptables"), toIpt.err());
            assertOk(apply(onlyIpt, "--backend", "iptables", A));
            x = snapshot(ns);
            y = snapshot(onlyIpt);
            assertEquals(y.v4(), x.v4(), "iptables after the switch back");
            assertEquals(y.v6(), x.v6());
            assertEquals(y.nft(), x.nft());

            assertOk(apply(ns, "--down"));
            assertEquals(before, firewall(ns));
        }
    }

    /**
     * Objects named like netpolc's are not netpolc's: a foreign chain that starts with the chain
     * prefix and the rule that jumps to it stay through apply and --down; an nft table of the
     * policy's name that no apply of this state directory made is neither replaced nor deleted.
     */
    @Test
    void objectsNamedLikeNetpolcsAreNotTakenByName() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertTrue(ns.exec("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                    + ":DOCKER-MYAPP - [0:0]\n-A FORWARD -j DOCKER-MYAPP\n-A DOCKER-MYAPP -s 10.9.0.0/16 -j ACCEPT\n"
                    + "COMMIT\n", "iptables-restore").ok());
            String table = "table inet netpol {\n chain c {\n  type filter hook forward priority 10; policy accept;\n"
                    + "  ip saddr 10.96.0.0/16 counter accept\n }\n}\n";
            assertTrue(ns.exec(table, "nft", "-f", "-").ok());
            String listing = ns.exec(null, "nft", "list", "table", "inet", "netpol").out();

            Run nft = apply(ns, "--firewall-only", "--backend", "nftables", B);
            assertEquals(3, nft.exitCode(), nft.out() + nft.err());
            assertTrue(nft.err().contains("the nftables table inet netpol exists, and no apply of this state directory"
                    + " made it"), nft.err());
            assertEquals(listing, ns.exec(null, "nft", "list", "table", "inet", "netpol").out());

            assertOk(apply(ns, "--firewall-only", "--backend", "iptables", A));
            assertEquals(listing, ns.exec(null, "nft", "list", "table", "inet", "netpol").out(),
                    "an iptables apply leaves the foreign table of the policy's name");
            String saved = ns.exec(null, "iptables-save").out();
            assertTrue(saved.contains("-A DOCKER-MYAPP -s 10.9.0.0/16 -j ACCEPT")
                    && saved.contains("-A FORWARD -j DOCKER-MYAPP"), saved);
            assertOk(apply(ns, "--down"));
            saved = ns.exec(null, "iptables-save").out();
            assertTrue(saved.contains(":DOCKER-MYAPP") && saved.contains("-A DOCKER-MYAPP -s 10.9.0.0/16 -j ACCEPT")
                    && saved.contains("-A FORWARD -j DOCKER-MYAPP"), "--down leaves the foreign chain: " + saved);
            assertFalse(saved.contains(":DOCKER-USER"), saved);
            assertEquals(listing, ns.exec(null, "nft", "list", "table", "inet", "netpol").out());
        }
    }

    /** A chain the policy writes that no apply of this state directory made (Docker's own) is refused. */
    @Test
    void aChainOfThePolicysNameThatThisStateDidNotMakeIsRefused() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertTrue(ns.exec("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                    + ":DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -s 10.8.0.0/16 -j DROP\nCOMMIT\n",
                    "iptables-restore").ok());
            Snapshot before = snapshot(ns);
            Run r = apply(ns, "--firewall-only", A);
            assertEquals(3, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains("the policy writes chains that exist already and that no apply of this state"
                    + " directory made: iptables filter DOCKER-USER"), r.err());
            assertEquals(before, snapshot(ns));
        }
    }

    /** The sysctls apply turned on are set back by --down to what they were before its first apply. */
    @Test
    void downPutsTheSysctlsBackAsTheyWereBeforeTheFirstApply() {
        List<String> keys = List.of("net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding",
                "net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables");
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertTrue(ns.exec(null, "sh", "-c", "echo 0 >/proc/sys/net/ipv4/ip_forward").ok());
            List<String> before = keys.stream().map(k -> ns.exec(null, "cat", "/proc/sys/" + k).out().strip()).toList();
            assertOk(apply(ns, A));
            assertOk(apply(ns, B));
            assertEquals("1", ns.exec(null, "cat", "/proc/sys/net/ipv4/ip_forward").out().strip());
            Run down = apply(ns, "--down");
            assertOk(down);
            assertTrue(down.err().contains("~ sysctl net.ipv4.ip_forward 1 -> 0 (as before netpolc's first apply)"),
                    down.err());
            List<String> after = keys.stream().map(k -> ns.exec(null, "cat", "/proc/sys/" + k).out().strip()).toList();
            for (int k = 0; k < keys.size(); k++) {
                if (!before.get(k).isEmpty()) {
                    assertEquals(before.get(k), after.get(k), keys.get(k));
                }
            }
        }
    }

    /** The policy is its content: status and apply agree whatever path or symlink names it. */
    @Test
    void statusAndApplyAgreeWhateverPathNamesThePolicy() throws IOException {
        Path dir = Files.createTempDirectory("netpolc-apply-link");
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, B));
            Path abs = Repo.root().resolve(B).toAbsolutePath();
            Path link = Files.createSymbolicLink(dir.resolve("policy.net"), abs);
            for (String spelled : List.of(abs.toString(), "./" + B, link.toString())) {
                Run st = status(ns, spelled);
                assertEquals(0, st.exitCode(), spelled + ": " + st.out() + st.err());
                Run again = apply(ns, spelled);
                assertOk(again);
                assertTrue(again.err().contains(": no changes"), spelled + ": " + again.err());
            }
        } finally {
            Files.deleteIfExists(dir.resolve("policy.net"));
            Files.deleteIfExists(dir);
        }
    }

    /** Another tool's rules, chain, nft table and bridge, made before netpolc applies anything. */
    private static void foreignState(Kernel.Netns ns) {
        String v4 = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:FOREIGN - [0:0]\n"
                + "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n-A FORWARD -s 10.99.0.0/16 -j FOREIGN\n"
                + "-A FORWARD -o eth9 -j ACCEPT\n-A FOREIGN -j ACCEPT\nCOMMIT\n"
                + "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
                + "-A POSTROUTING -s 10.98.0.0/16 ! -o eth9 -j MASQUERADE\nCOMMIT\n";
        assertTrue(ns.exec(v4, "iptables-restore").ok());
        String v6 = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                + "-A FORWARD -s fd99::/64 -j ACCEPT\nCOMMIT\n";
        assertTrue(ns.exec(v6, "ip6tables-restore").ok());
        assertTrue(ns.exec("table inet foreign {\n chain forwardchain {\n  type filter hook forward priority 10; policy accept;\n"
                + "  ip saddr 10.97.0.0/16 counter accept\n }\n}\n", "nft", "-f", "-").ok());
        assertTrue(ns.exec(null, "ip", "link", "add", "brforeign", "type", "bridge").ok());
    }

    /** The firewall and links without netpolc's: chains named with its prefixes, rules that jump there. */
    private static String foreign(Kernel.Netns ns) {
        StringBuilder b = new StringBuilder();
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            IptablesSave s = IptablesSave.parse(ns.exec(null, tool).out());
            for (var t : s.tables().entrySet()) {
                for (var c : t.getValue().chains().entrySet()) {
                    if (!mine(c.getKey())) {
                        // Built-in chains that netpolc created with their table, empty and accepting, are not news.
                        if (!c.getValue().equals("ACCEPT") || !t.getValue().rules(c.getKey()).stream()
                                .allMatch(r -> mine(r.substring(r.lastIndexOf("-j ") + 3)))) {
                            b.append(tool).append(' ').append(t.getKey()).append(" :").append(c.getKey()).append(' ')
                                    .append(c.getValue()).append('\n');
                        }
                        for (String r : t.getValue().rules(c.getKey())) {
                            if (!mine(r.substring(r.lastIndexOf("-j ") + 3))) {
                                b.append("  ").append(r).append('\n');
                            }
                        }
                    }
                }
            }
        }
        b.append(ns.exec(null, "nft", "-s", "list", "table", "inet", "foreign").out());
        b.append(links(ns, "brforeign"));
        return b.toString();
    }

    private static boolean mine(String chain) {
        return chain.startsWith("NETPOL") || chain.startsWith("DOCKER");
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables", "nftables"})
    void foreignStateIsUntouchedByApplyChangeAndDown(String backend) {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            String before = foreign(ns);
            Snapshot whole = snapshot(ns);
            assertOk(apply(ns, "--backend", backend, "--layout", "owned", A));
            assertEquals(before, foreign(ns), "after apply");
            assertOk(apply(ns, "--backend", backend, B));
            assertEquals(before, foreign(ns), "after a change");
            assertOk(apply(ns, "--down"));
            assertEquals(before, foreign(ns), "after --down");
            Snapshot after = snapshot(ns);
            // The tables that existed are exactly as before; netpolc may have left an empty mangle table.
            for (String table : List.of("filter", "nat")) {
                assertEquals(whole.v4().tables().get(table), after.v4().tables().get(table), "iptables " + table);
            }
            assertEquals(whole.v6().tables().get("filter"), after.v6().tables().get("filter"));
            assertEquals(whole.links(), after.links());
            assertEquals(List.of(), ns.children(), "container namespaces left after --down");
        }
    }

    @Test
    void dockerLayoutDownLeavesTheForeignFirewallAsItWas() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            Snapshot whole = snapshot(ns);
            assertOk(apply(ns, A));
            assertNotEquals(whole.v4(), snapshot(ns).v4());
            assertOk(apply(ns, "--down"));
            Snapshot after = snapshot(ns);
            assertEquals(whole.v4().tables().get("filter"), after.v4().tables().get("filter"));
            assertEquals(whole.v4().tables().get("nat"), after.v4().tables().get("nat"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"iptables reject", "iptables verify", "nftables reject", "nftables verify"})
    void injectedFailuresLeaveTheStateAsItWas(String how) {
        String backend = how.split(" ")[0];
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            assertOk(apply(ns, "--backend", backend, A));
            Snapshot before = snapshot(ns);
            Run status = status(ns, A);
            System.setProperty("netpolc.apply.fault", how.split(" ")[1]);
            Run r = apply(ns, "--backend", backend, B);
            System.clearProperty("netpolc.apply.fault");
            assertEquals(3, r.exitCode(), r.err());
            assertTrue(r.err().contains(how.endsWith("reject") ? "refused" : "verification failed"), r.err());
            assertTrue(r.err().contains("as it was before"), r.err());
            assertEquals(before, snapshot(ns));
            Run statusAfter = status(ns, A);
            assertEquals(status.out(), statusAfter.out());
            assertEquals(0, statusAfter.exitCode(), statusAfter.out());
        }
    }

    /**
     * A container namespace that cannot be read: a name under /run/netns that is a plain file, as
     * a crash between creating the name and mounting the namespace on it leaves. When the policy
     * declares it, apply and status name it and say why, and apply changes nothing; when the
     * policy does not, apply warns and leaves it alone.
     */
    @Test
    void aContainerNamespaceThatCannotBeReadIsNamed() throws IOException {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, B));
            String web = ns.children().stream().filter(c -> c.endsWith("web")).findFirst()
                    .orElseThrow(() -> new AssertionError("no namespace for container web: " + ns.children()));
            assertTrue(Kernel.run(null, List.of(Kernel.ip(), "netns", "del", web)).ok());
            Path declared = Path.of("/run/netns", web);
            Path other = Path.of("/run/netns", ns.prefix() + "zz-stale");
            boolean plainFile = false;
            try {
                Files.writeString(declared, "");
                plainFile = true;
                Snapshot before = snapshot(ns);
                Run r = apply(ns, B);
                assertEquals(3, r.exitCode(), r.err());
                assertTrue(r.err().contains("cannot read network namespace " + web + ", which the policy declares: "),
                        r.err());
                assertTrue(r.err().contains("ip netns del " + web), r.err());
                assertEquals(before, snapshot(ns));
                Run st = status(ns, B);
                assertEquals(3, st.exitCode(), st.out() + st.err());
                assertTrue(st.err().contains("cannot read network namespace " + web), st.err());

                // the same trouble in a namespace the policy does not declare: a warning, and apply goes on
                Files.delete(declared);
                plainFile = false;
                Files.writeString(other, "");
                Run again = apply(ns, B);
                assertOk(again);
                assertTrue(again.err().contains("warning: cannot read network namespace " + other.getFileName()),
                        again.err());
                assertTrue(ns.children().contains(web), ns.children().toString());
                assertTrue(Files.isRegularFile(other), "the unreadable namespace was touched");
                assertEquals(0, status(ns, B).exitCode());

                // apply --down says the same, takes down what it owns, and leaves the unreadable one alone
                Run down = apply(ns, "--down");
                assertOk(down);
                assertTrue(down.err().contains("warning: cannot read network namespace " + other.getFileName()),
                        down.err());
                assertFalse(ns.children().contains(web), ns.children().toString());
                assertTrue(Files.isRegularFile(other), "apply --down touched the unreadable namespace");
            } finally {
                if (plainFile) {
                    Files.deleteIfExists(declared);
                }
                Files.deleteIfExists(other);
            }
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> killPoints() {
        List<org.junit.jupiter.params.provider.Arguments> out = new ArrayList<>();
        for (String backend : List.of("iptables", "nftables")) {
            for (String step : dev.netpolc.cli.apply.Apply.STEPS) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(backend, step));
            }
        }
        return out.stream();
    }

    /**
     * The firewall and links of a namespace as the tools print them, for byte-for-byte comparison:
     * iptables-save and ip6tables-save without their dated comment lines and with the built-in
     * chains' packet counters zeroed (the links an apply brings up send packets of their own, which
     * the kernel counts; a rollback does not falsify them), nft list ruleset with its tables and
     * chains sorted (iptables-nft-restore recreates the tables it restores, at the end of the
     * listing, with their chains in iptables-save's order; see docs/apply.md), and 'ip -d link' and
     * 'ip addr' without the bridge timers (which count time, not state).
     */
    private static String raw(Kernel.Netns ns) {
        StringBuilder b = new StringBuilder();
        for (String[] cmd : List.of(new String[] {"iptables-save"}, new String[] {"ip6tables-save"},
                new String[] {"nft", "-s", "list", "ruleset"}, new String[] {"ip", "-d", "link", "show"},
                new String[] {"ip", "addr", "show"})) {
            Kernel.Result r = ns.exec(null, cmd);
            assertTrue(r.ok(), r.err());
            b.append("== ").append(String.join(" ", cmd)).append('\n');
            String text = r.out().replaceAll("(?m)^#.*\n", "").replaceAll("(?m)^(:[A-Z]+ [A-Z]+) \\[\\d+:\\d+\\]$", "$1 [0:0]")
                    .replaceAll("[a-z_]*timer\\s+[0-9.]+", "");
            b.append(cmd[0].equals("nft") ? tables(text) : text);
        }
        return b.toString();
    }

    /** A netpolc in a JVM of its own, so that a signal ends it and not the test. */
    private Process child(Kernel.Netns ns, String property, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                property, "-cp", System.getProperty("java.class.path"), "dev.netpolc.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(Repo.root().toFile()).redirectErrorStream(true)
                .redirectOutput(state.resolve("child-" + ns.name + ".out").toFile()).start();
    }

    /**
     * Starts {@code apply --netns NS --state-dir STATE ARGS} in a process of its own that stops at
     * {@code step} (the test hook netpolc.apply.pause), and waits until it has stopped there.
     */
    private Process applyPausedAt(Kernel.Netns ns, String step, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("apply", "--netns", ns.name, "--state-dir", state.toString()));
        cmd.addAll(List.of(args));
        Process p = child(ns, "-Dnetpolc.apply.pause=" + step, cmd.toArray(String[]::new));
        Path paused = state.resolve("netns").resolve(ns.name).resolve("paused");
        long deadline = System.currentTimeMillis() + 180_000;
        while (!Files.exists(paused) && p.isAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(paused), "apply never reached step " + step + ": "
                + Files.readString(state.resolve("child-" + ns.name + ".out")));
        return p;
    }

    /** kill -9, and waits until the process is gone. */
    private static void killHard(Process p) throws InterruptedException {
        assertTrue(Kernel.run(null, List.of("kill", "-KILL", Long.toString(p.pid()))).ok());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "apply did not die");
    }

    /**
     * kill -9 at every step of an apply (the firewall of an earlier apply, foreign rules, tables and a
     * link there before): the next command finds the journal, rolls the namespace back, and the
     * firewall and links are byte for byte what they were. The next command is status or apply,
     * in turn.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("killPoints")
    void aKillAtAnyStepIsRolledBackByTheNextCommand(String backend, String step) throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            assertOk(apply(ns, "--backend", backend, "--firewall-only", A));
            String before = raw(ns);
            Snapshot beforeNormalised = snapshot(ns);
            Path dir = state.resolve("netns").resolve(ns.name);
            killHard(applyPausedAt(ns, step, "--backend", backend, B));
            Files.delete(dir.resolve("paused"));
            assertTrue(Files.exists(dir.resolve("journal")), "no journal after a kill at " + step);
            Run r = dev.netpolc.cli.apply.Apply.STEPS.indexOf(step) % 2 == 0 ? status(ns, A)
                    : apply(ns, "--backend", backend, "--firewall-only", A);
            assertOk(r);
            assertTrue(r.err().contains("did not finish") && r.err().contains("rolled back the interrupted apply"),
                    r.err());
            assertTrue(r.out().startsWith("in sync") || r.err().contains(": no changes"), r.out() + r.err());
            assertTrue(!Files.exists(dir.resolve("journal")), "the journal is still there");
            assertEquals(beforeNormalised, snapshot(ns));
            assertEquals(before, raw(ns));
            assertEquals(List.of(), ns.children(), "container namespaces left");
        }
    }

    /**
     * kill -9 of an apply --confirm while it waits: status leaves the journal of the live apply
     * alone (it holds the lock), and once the apply is dead, rolls the unconfirmed state back. A's
     * links, which B's apply deleted, are recreated by A's setup script: the same names, marks,
     * addresses, masters and MTUs, but new interface indexes and MAC addresses, so the links are
     * compared by name and mark and the firewall byte for byte.
     */
    @Test
    void aKilledApplyWaitingForConfirmationIsRolledBack() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            assertOk(apply(ns, A));
            String before = raw(ns).split("== ip -d link")[0];
            TreeSet<String> links = linkNames(ns);
            List<String> children = ns.children();
            Path dir = state.resolve("netns").resolve(ns.name);
            Process p = child(ns, "-Dnetpolc.apply.pause=none", "apply", "--netns", ns.name, "--state-dir",
                    state.toString(), "--confirm", "120", B);
            long deadline = System.currentTimeMillis() + 180_000;
            while (!Files.exists(dir.resolve("pending")) && p.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(dir.resolve("pending")), "apply --confirm never waited");
            Run busy = status(ns, A);
            assertEquals(3, busy.exitCode(), busy.out() + busy.err());
            assertTrue(busy.err().contains("another netpolc apply is running"), busy.err());
            assertTrue(Files.exists(dir.resolve("journal")));
            killHard(p);
            Run st = status(ns, A);
            assertEquals(0, st.exitCode(), st.out() + st.err());
            assertTrue(st.err().contains("rolled back the interrupted apply"), st.err());
            assertEquals(before, raw(ns).split("== ip -d link")[0]);
            assertEquals(links, linkNames(ns));
            assertEquals(children, ns.children());
            assertTrue(!Files.exists(dir.resolve("journal")));
        }
    }

    /** apply --down after a kill: the interrupted apply is rolled back first, then everything goes. */
    @Test
    void downAfterAKillRollsBackFirst() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            String before = foreign(ns);
            assertOk(apply(ns, "--firewall-only", "--layout", "owned", A));
            Path dir = state.resolve("netns").resolve(ns.name);
            killHard(applyPausedAt(ns, "links", B));
            Run dry = apply(ns, "--dry-run", B);
            assertOk(dry);
            assertTrue(dry.err().contains("an interrupted apply left its journal"), dry.err());
            assertTrue(Files.exists(dir.resolve("journal")), "--dry-run must not roll back");
            Run down = apply(ns, "--down");
            assertOk(down);
            assertTrue(down.err().contains("rolled back the interrupted apply"), down.err());
            assertEquals(before, foreign(ns));
            assertEquals(List.of(), ns.children());
            assertTrue(!Files.exists(dir.resolve("journal")));
            assertTrue(!Files.exists(dir.resolve("record.properties")));
        }
    }

    /** The first link of the namespace whose mark is netpolc:KIND:... */
    private static String ownedLink(Kernel.Netns ns, String kind) {
        for (String line : ns.exec(null, "ip", "-o", "link", "show").out().split("\n")) {
            if (line.contains("    alias netpolc:" + kind + ":")) {
                return line.split(": ", 3)[1].split("@")[0];
            }
        }
        throw new AssertionError("no link marked netpolc:" + kind + " in " + ns.name);
    }

    /**
     * An owned link whose address, MTU or master was changed by hand is put back by apply (the
     * plan says '~ link'); a foreign link changed the same way is left alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"address", "mtu", "master", "down"})
    void anOwnedLinkChangedByHandIsPutBack(String what) {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            foreignState(ns);
            assertOk(apply(ns, B));
            String bridge = ownedLink(ns, "bridge");
            String veth = ownedLink(ns, "veth");
            assertTrue(ns.exec(null, "ip", "link", "set", "dev", "brforeign", "mtu", "1400").ok());
            String before = links(ns, null);
            String link = switch (what) {
                case "address", "down" -> bridge;
                default -> veth;
            };
            switch (what) {
                case "address" -> {
                    String gw = ns.exec(null, "ip", "-o", "-4", "addr", "show", "dev", bridge).out().split("\\s+")[3];
                    assertTrue(ns.exec(null, "ip", "addr", "del", gw, "dev", bridge).ok());
                    assertTrue(ns.exec(null, "ip", "addr", "add", "10.250.0.9/24", "dev", bridge).ok());
                }
                case "mtu" -> assertTrue(ns.exec(null, "ip", "link", "set", "dev", veth, "mtu", "1400").ok());
                case "down" -> assertTrue(ns.exec(null, "ip", "link", "set", "dev", bridge, "down").ok());
                default -> assertTrue(ns.exec(null, "ip", "link", "set", "dev", veth, "nomaster").ok());
            }
            assertNotEquals(before, links(ns, null));
            Run st = status(ns, B);
            assertEquals(1, st.exitCode(), st.out());
            assertTrue(st.out().contains("~ link " + link + " ("), st.out());
            Run dry = apply(ns, "--dry-run", B);
            assertTrue(dry.out().contains("~ link " + link + " ("), dry.out());
            assertTrue(!dry.out().contains("brforeign"), dry.out());
            assertOk(apply(ns, B));
            if (what.equals("down")) {
                // Down and up again, the bridge gets a new IPv6 link-local address (the kernel's, from
                // the MAC address it picks again, and not always before apply is done: the lines
                // go whole); everything else is as it was.
                String linkLocal = "(?m)^.*inet6 fe80:.*scope link.*\n";
                assertEquals(before.replaceAll(linkLocal, ""), links(ns, null).replaceAll(linkLocal, ""));
            } else {
                assertEquals(before, links(ns, null));
            }
            assertTrue(ns.exec(null, "ip", "-o", "link", "show", "brforeign").out().contains(" mtu 1400 "));
            assertEquals(0, status(ns, B).exitCode());
        }
    }

    /** 'ip' in container namespace {@code child} (one apply created inside the test's namespace). */
    private static Kernel.Result inside(String child, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Kernel.ip(), "-n", child));
        cmd.addAll(List.of(args));
        return Kernel.run(null, cmd);
    }

    /** The links, addresses and routes of container namespace {@code child}, as in {@link #links}. */
    private static String insideState(String child) {
        Kernel.Result l = inside(child, "-o", "-d", "link", "show");
        Kernel.Result a = inside(child, "-o", "addr", "show");
        Kernel.Result r4 = inside(child, "route", "show");
        Kernel.Result r6 = inside(child, "-6", "route", "show");
        assertTrue(l.ok() && a.ok() && r4.ok() && r6.ok(), l.err() + a.err() + r4.err() + r6.err());
        return (l.out() + a.out() + r4.out() + r6.out()).replaceAll("state [A-Z]+", "")
                .replaceAll("(LOWER_UP|NO-CARRIER|M-DOWN),?", "").replaceAll("valid_lft \\S+ preferred_lft \\S+", "")
                .replaceAll("tentative ", "").replaceAll("(?m)^.*(inet6 fe80:|fe80::/64|ff00::/8).*\n", "");
    }

    /**
     * Inside a container namespace apply created, an address, the MTU, the up state of the
     * interface or of the loopback, or the default route changed by hand: status reports it (exit
     * 1), --dry-run shows the repair, apply puts it back, and a second apply has nothing to do. An
     * interface renamed away is made again (its veth pair is recreated). The host's links stay.
     */
    @ParameterizedTest
    @ValueSource(strings = {"address", "mtu", "down", "lo-down", "route", "route6", "renamed"})
    void aContainerSideChangeIsReportedAndRepaired(String what) {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, B));
            String web = ns.children().stream().filter(c -> c.endsWith("web")).findFirst()
                    .orElseThrow(() -> new AssertionError("no namespace for container web: " + ns.children()));
            String before = insideState(web);
            assertTrue(before.contains("default via "), before);
            String host = links(ns, null);
            switch (what) {
                case "address" -> {
                    String v4 = inside(web, "-o", "-4", "addr", "show", "dev", "eth0").out().split("\\s+")[3];
                    assertTrue(inside(web, "addr", "del", v4, "dev", "eth0").ok());
                    assertTrue(inside(web, "addr", "add", "10.250.0.9/24", "dev", "eth0").ok());
                }
                case "mtu" -> assertTrue(inside(web, "link", "set", "dev", "eth0", "mtu", "1400").ok());
                case "down" -> assertTrue(inside(web, "link", "set", "dev", "eth1", "down").ok());
                case "lo-down" -> assertTrue(inside(web, "link", "set", "dev", "lo", "down").ok());
                case "route" -> assertTrue(inside(web, "route", "del", "default").ok());
                case "route6" -> assertTrue(inside(web, "-6", "route", "del", "default").ok());
                default -> assertTrue(inside(web, "link", "set", "dev", "eth1", "name", "ethx").ok());
            }
            assertNotEquals(before, insideState(web));
            Run st = status(ns, B);
            assertEquals(1, st.exitCode(), st.out());
            assertTrue(st.out().contains("~ namespace " + web + " ("), st.out());
            Run dry = apply(ns, "--dry-run", B);
            assertTrue(dry.out().contains("~ namespace " + web + " ("), dry.out());
            assertEquals(st.out().lines().skip(1).toList(), dry.out().lines().skip(1).toList());
            Run r = apply(ns, B);
            assertOk(r);
            if (what.equals("renamed")) {
                // A new veth pair (new interface indexes); the renamed end went with its host end.
                assertTrue(inside(web, "-o", "link", "show", "dev", "eth1").ok());
                assertTrue(!inside(web, "-o", "link", "show", "dev", "ethx").ok());
            } else {
                assertEquals(before, insideState(web));
                assertEquals(host, links(ns, null), "the host's links changed");
            }
            assertEquals(0, status(ns, B).exitCode(), status(ns, B).out());
            Run again = apply(ns, B);
            assertOk(again);
            assertTrue(again.err().contains(": no changes"), again.err());
        }
    }

    /**
     * kill -9 after apply repaired a container namespace (MTU, address, default route changed by
     * hand): the next status finds the journal and puts the namespace back as the killed apply
     * found it, default route included; the apply after that repairs it again.
     */
    @Test
    void aKillAfterAContainerSideRepairIsRolledBack() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, B));
            String web = ns.children().stream().filter(c -> c.endsWith("web")).findFirst()
                    .orElseThrow(() -> new AssertionError("no namespace for container web: " + ns.children()));
            String synced = insideState(web);
            assertTrue(inside(web, "link", "set", "dev", "eth0", "mtu", "1400").ok());
            assertTrue(inside(web, "addr", "add", "10.71.0.200/24", "dev", "eth0").ok());
            assertTrue(inside(web, "route", "replace", "default", "via", "10.71.0.254", "dev", "eth0").ok());
            String drifted = insideState(web);
            Path dir = state.resolve("netns").resolve(ns.name);
            Process p = applyPausedAt(ns, "links", B);
            assertEquals(synced, insideState(web), "paused after its links step, the apply has repaired the namespace");
            killHard(p);
            Files.delete(dir.resolve("paused"));
            Run st = status(ns, B);
            assertTrue(st.err().contains("rolled back the interrupted apply"), st.err());
            assertEquals(1, st.exitCode(), st.out());
            assertEquals(drifted, insideState(web));
            assertOk(apply(ns, B));
            assertEquals(synced, insideState(web));
            assertEquals(0, status(ns, B).exitCode());
        }
    }

    /** iptables-save, ip6tables-save and nft list ruleset exactly as printed, less iptables-save's dated comments. */
    private static String firewall(Kernel.Netns ns) {
        StringBuilder b = new StringBuilder();
        for (String[] cmd : List.of(new String[] {"iptables-save"}, new String[] {"ip6tables-save"},
                new String[] {"nft", "list", "ruleset"})) {
            Kernel.Result r = ns.exec(null, cmd);
            assertTrue(r.ok(), r.err());
            b.append("== ").append(String.join(" ", cmd)).append('\n').append(r.out().replaceAll("(?m)^#.*\n", ""));
        }
        return b.toString();
    }

    /**
     * apply A, apply B, apply --down: the firewall is what it was before the first apply. In a
     * namespace with only a foreign nft table and link, byte for byte (the iptables tables apply
     * created, nat, mangle and the rest, are deleted again, and filter FORWARD gets its policy
     * back); with foreign iptables rules too, iptables-save and ip6tables-save byte for byte but
     * for the built-in chains' packet counters, nft list ruleset up to the order of tables and
     * chains that iptables-nft-restore changes.
     */
    @ParameterizedTest
    @ValueSource(strings = {"iptables-docker", "iptables-owned", "nftables"})
    void downLeavesTheFirewallAsBeforeTheFirstApply(String how) {
        List<String> opts = how.equals("nftables") ? List.of("--backend", "nftables")
                : List.of("--backend", "iptables", "--layout", how.substring(9));
        for (boolean foreignRules : List.of(false, true)) {
            try (Kernel.Netns ns = new Kernel.Netns()) {
                if (foreignRules) {
                    foreignState(ns);
                } else {
                    assertTrue(ns.exec("table inet foreign {\n chain c {\n  type filter hook forward priority 10; policy accept;\n"
                            + "  ip saddr 10.97.0.0/16 counter accept\n }\n}\n", "nft", "-f", "-").ok());
                    assertTrue(ns.exec(null, "ip", "link", "add", "brforeign", "type", "bridge").ok());
                }
                String exact = firewall(ns);
                String normalised = raw(ns);
                for (String policy : List.of(A, B)) {
                    List<String> args = new ArrayList<>(opts);
                    args.add(policy);
                    assertOk(apply(ns, args.toArray(String[]::new)));
                }
                Run down = apply(ns, "--down");
                assertOk(down);
                if (foreignRules) {
                    // The built-in chains' counters counted the packets of the links apply brought up.
                    assertEquals(normalised, raw(ns));
                } else {
                    assertEquals(exact, firewall(ns), down.err());
                    assertEquals(normalised, raw(ns));
                }
            }
        }
    }

    /**
     * A policy with nodes: apply --node node1 builds node1's part, as compile --node node1 does
     * (its rules, its VXLAN device and its containers, not node2's).
     */
    @Test
    void applyNodeBuildsThatNodesPart() {
        String policy = "policies/features/overlay-two-hosts.net";
        try (Kernel.Netns ns = new Kernel.Netns()) {
            // The underlay: eth1 with node1's address (a veth, standing in for a NIC).
            assertTrue(ns.exec(null, "ip", "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p").ok());
            assertTrue(ns.exec(null, "ip", "addr", "add", "192.0.2.11/24", "dev", "eth1").ok());
            assertTrue(ns.exec(null, "ip", "link", "set", "eth1", "up").ok());
            Run r = apply(ns, policy);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.err().contains("--node"), r.err());
            assertOk(apply(ns, "--node", "node1", policy));
            Run compiled = Run.netpolc("compile", "-t", "iptables", "--node", "node1", policy);
            assertOk(compiled);
            IptablesSave want = IptablesSave.parse(compiled.out());
            IptablesSave have = IptablesSave.parse(ns.exec(null, "iptables-save").out());
            for (var t : want.tables().entrySet()) {
                for (String chain : t.getValue().chains().keySet()) {
                    assertEquals(t.getValue().rules(chain), have.tables().get(t.getKey()).rules(chain), t.getKey() + " " + chain);
                }
            }
            assertTrue(have.tables().get("nat").rules("DOCKER").stream().anyMatch(x -> x.contains("--dport 8080")),
                    "node1 publishes web's port");
            assertTrue(have.tables().get("nat").rules("DOCKER").stream().noneMatch(x -> x.contains("--dport 6379")),
                    "node2's port is not published here");
            List<String> children = ns.children().stream().map(c -> c.substring(ns.prefix().length())).toList();
            assertTrue(children.stream().anyMatch(c -> c.contains("web")) && children.stream().anyMatch(c -> c.contains("api")),
                    children.toString());
            assertTrue(children.stream().noneMatch(c -> c.contains("db") || c.contains("cache")), children.toString());
            assertTrue(ns.exec(null, "ip", "-o", "-d", "link", "show", "type", "vxlan").out().contains("local 192.0.2.11"));
            Run st = status(ns, policy);
            assertEquals(0, st.exitCode(), st.out() + st.err());
            assertOk(apply(ns, "--down"));
            assertEquals(List.of(), ns.children());
        }
    }

    @Test
    void confirmWithoutConfirmationRollsBack() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, A));
            Snapshot before = snapshot(ns);
            Run r = apply(ns, "--confirm", "1", B);
            assertEquals(3, r.exitCode(), r.err());
            assertTrue(r.err().contains("no confirmation within 1 s"), r.err());
            assertEquals(before.v4(), snapshot(ns).v4());
            assertEquals(before.v6(), snapshot(ns).v6());
            Run st = status(ns, A);
            assertEquals(0, st.exitCode(), "the record and the links are A's again: " + st.out());
        }
    }

    /** The lock-out case: the SSH session that ran 'apply --confirm' drops (SIGHUP) before confirming. */
    @Test
    void aHangUpWhileWaitingForConfirmationRollsBack() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, A));
            Snapshot before = snapshot(ns);
            // A JVM of its own, so that the signal ends it and not the test. SIGHUP is reset to its
            // default first: a JVM that starts with it ignored (under nohup, say) keeps it ignored.
            Process p = new ProcessBuilder(Kernel.which("env").toString(), "--default-signal=HUP",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), "dev.netpolc.cli.Main", "apply", "--netns", ns.name,
                    "--state-dir", state.toString(), "--confirm", "120", B)
                    .directory(Repo.root().toFile()).redirectErrorStream(true).start();
            String output;
            try {
                Path pending = state.resolve("netns").resolve(ns.name).resolve("pending");
                long deadline = System.currentTimeMillis() + 120_000;
                while (!Files.exists(pending) && p.isAlive() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(Files.exists(pending), "apply --confirm never waited");
                assertTrue(Kernel.run(null, List.of("kill", "-HUP", Long.toString(p.pid()))).ok());
                assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "apply did not end on SIGHUP");
                output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } finally {
                // The apply this test started, and only it, is not left running when the test fails.
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                }
            }
            assertTrue(output.contains("interrupted while waiting for the confirmation"), output);
            assertTrue(output.contains("as it was before"), output);
            Snapshot after = snapshot(ns);
            assertEquals(before.v4(), after.v4());
            assertEquals(before.v6(), after.v6());
            Run st = status(ns, A);
            assertEquals(0, st.exitCode(), "links and record are A's again: " + st.out());
        }
    }

    @Test
    void confirmWithConfirmationKeepsTheNewState() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns(); Kernel.Netns clean = new Kernel.Netns()) {
            assertOk(apply(ns, A));
            AtomicReference<Run> result = new AtomicReference<>();
            Thread t = new Thread(() -> result.set(apply(ns, "--confirm", "60", B)));
            t.start();
            Path pending = state.resolve("netns").resolve(ns.name).resolve("pending");
            long deadline = System.currentTimeMillis() + 60_000;
            while (!Files.exists(pending) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(pending), "apply --confirm never waited");
            Run c = Run.netpolc("apply", "--confirmed", "--netns", ns.name, "--state-dir", state.toString());
            assertOk(c);
            t.join(60_000);
            assertOk(result.get());
            assertOk(apply(clean, B));
            assertEquals(snapshot(clean).v4(), snapshot(ns).v4());
            assertEquals(0, status(ns, B).exitCode());
        }
    }

    @Test
    void aSecondApplyWaitsForNoneAndSaysWhoHoldsTheLock() throws Exception {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            Path dir = state.resolve("netns").resolve(ns.name);
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = ch.lock()) {
                Snapshot before = snapshot(ns);
                Run r = apply(ns, B);
                assertEquals(3, r.exitCode(), r.err());
                assertTrue(r.err().contains("another netpolc apply is running"), r.err());
                assertEquals(before, snapshot(ns));
            }
            assertOk(apply(ns, B));
        }
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            Snapshot before = snapshot(ns);
            Run r = apply(ns, "--dry-run", B);
            assertOk(r);
            assertTrue(r.out().contains("+ iptables filter: -A FORWARD -j NETPOL-FORWARD"), r.out());
            assertTrue(r.out().contains("+ link br-"), r.out());
            assertEquals(before, snapshot(ns));
            assertEquals(List.of(), ns.children());
            Run st = status(ns, B);
            assertEquals(1, st.exitCode(), st.out());
            assertTrue(st.out().contains("nothing was applied"), st.out());
        }
    }

    @Test
    void statusSeesAFirewallReloadThatWipedTheRules() {
        try (Kernel.Netns ns = new Kernel.Netns()) {
            assertOk(apply(ns, B));
            assertTrue(ns.exec(null, "iptables", "-F", "NETPOL-FORWARD").ok());
            Run st = status(ns, B);
            assertEquals(1, st.exitCode(), st.out());
            assertTrue(st.out().contains("+ iptables filter: -A NETPOL-FORWARD -j NETPOL-USER"), st.out());
            assertOk(apply(ns, B));
            assertEquals(0, status(ns, B).exitCode());
        }
    }
}
