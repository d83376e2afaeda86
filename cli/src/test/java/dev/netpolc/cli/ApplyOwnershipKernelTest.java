package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ownership by identity: applies of different state directories, and namespaces whose names nest
 * ({@code --netns X} and {@code --netns X-b}, whose container namespaces are X-NAME and X-b-NAME),
 * never see, change or delete each other's links and namespaces, nor take over one made by hand.
 * Each test works inside namespaces it creates and deletes.
 */
@Tag("kernel")
class ApplyOwnershipKernelTest {

    /** Bridges, veths and five container namespaces (web, ...). */
    private static final String P = "policies/docker/i-containers.net";

    private final List<Path> states = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Kernel.require("ip", "nsenter", "iptables-save", "iptables-restore", "ip6tables-save", "ip6tables-restore", "nft");
    }

    @AfterEach
    void tearDown() throws IOException {
        for (Path state : states) {
            try (var s = Files.walk(state)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Path state() throws IOException {
        Path p = Files.createTempDirectory("netpolc-own-state");
        states.add(p);
        return p;
    }

    private static Run run(String command, String netns, Path state, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--netns", netns, "--state-dir", state.toString()));
        all.addAll(List.of(args));
        return Run.netpolc(all.toArray(String[]::new));
    }

    private static void ok(Run r) {
        assertEquals(0, r.exitCode(), r.out() + r.err());
    }

    /** The namespaces whose names start with {@code prefix}, sorted. */
    private static List<String> namespaces(String prefix) {
        List<String> out = new ArrayList<>();
        for (String line : Kernel.run(null, List.of(Kernel.ip(), "netns", "list")).out().split("\n")) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(prefix)) {
                out.add(ns);
            }
        }
        out.sort(null);
        return out;
    }

    /** Each link of a namespace as its name and alias (what the kernel changes by itself, such as the operational state, left out). */
    private static List<String> marks(Kernel.Netns ns) {
        List<String> out = new ArrayList<>();
        for (String line : ns.exec(null, "ip", "-o", "link", "show").out().split("\n")) {
            String[] parts = line.split(": ", 3);
            int alias = line.indexOf("    alias ");
            if (parts.length == 3) {
                out.add(parts[1] + (alias < 0 ? "" : " " + line.substring(alias + 10).split("\\\\")[0].strip()));
            }
        }
        return out;
    }

    private static String lo(String ns) {
        return Kernel.run(null, List.of(Kernel.ip(), "-n", ns, "-o", "link", "show", "dev", "lo")).out();
    }

    @Test
    void appliesToNestedNamespaceNamesNeverTouchEachOther() throws IOException {
        try (Kernel.Netns x = new Kernel.Netns()) {
            String xb = x.name + "-b";
            assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "add", xb)).exitCode());
            try {
                Path s1 = state();
                Path s2 = state();
                ok(run("apply", x.name, s1, P));
                ok(run("apply", xb, s2, P));
                List<String> ofXb = namespaces(xb + "-");
                assertEquals(5, ofXb.size(), ofXb.toString());

                // X's prefix 'X-' also matches X-b's container namespaces: they are another owner's.
                Run plan = run("apply", x.name, s1, "--dry-run", P);
                ok(plan);
                assertFalse(plan.out().contains("- namespace"), plan.out());
                Run st = run("status", x.name, s1, P);
                assertEquals(0, st.exitCode(), st.out() + st.err());

                ok(run("apply", x.name, s1, "--down"));
                assertEquals(ofXb, namespaces(xb + "-"), "X's --down must leave X-b's namespaces");
                List<String> leftOfX = new ArrayList<>(namespaces(x.name + "-"));
                leftOfX.removeIf(n -> n.startsWith(xb));
                assertEquals(List.of(), leftOfX, "X's --down removes X's own");
                Run st2 = run("status", xb, s2, P);
                assertEquals(0, st2.exitCode(), st2.out() + st2.err());
                ok(run("apply", xb, s2, "--down"));
                assertEquals(List.of(), namespaces(xb + "-"));
            } finally {
                for (String ns : namespaces(xb)) {
                    Kernel.run(null, List.of(Kernel.ip(), "netns", "del", ns));
                }
            }
        }
    }

    @Test
    void anotherStateDirectoryOnTheSameNamespaceIsRefusedAndChangesNothing() throws IOException {
        try (Kernel.Netns x = new Kernel.Netns()) {
            Path s1 = state();
            Path s2 = state();
            ok(run("apply", x.name, s1, P));
            List<String> links = marks(x);
            // nftables, so that the firewall does not collide (iptables would stop at the chains,
            // which s1 made; objectsNamedLikeNetpolcsAreNotTakenByName covers those): the links do.
            Run other = run("apply", x.name, s2, "--backend", "nftables", P);
            assertEquals(3, other.exitCode(), other.out() + other.err());
            assertTrue(other.err().contains("is not this apply's") && other.err().contains("by the apply of another"
                    + " state directory"), other.err());
            assertEquals(links, marks(x));
            Run down = run("apply", x.name, s2, "--down");
            assertEquals(3, down.exitCode(), down.err());
            assertTrue(down.err().contains("nothing was applied"), down.err());
            assertEquals(links, marks(x));
            assertEquals(5, x.children().size());
            ok(run("apply", x.name, s1, "--down"));
        }
    }

    @Test
    void aNamespaceRecreatedByHandIsNotTakenOver() throws IOException {
        try (Kernel.Netns x = new Kernel.Netns()) {
            Path s1 = state();
            ok(run("apply", x.name, s1, P));
            String web = x.prefix() + "web";
            assertTrue(lo(web).contains("alias netpolc:netns:web@"), lo(web));
            assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "del", web)).exitCode());
            assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "add", web)).exitCode());
            Run again = run("apply", x.name, s1, P);
            assertEquals(3, again.exitCode(), again.out() + again.err());
            assertTrue(again.err().contains("namespace " + web + " (no netpolc mark"), again.err());
            assertFalse(lo(web).contains("alias"), "the namespace made by hand must not be marked");
            assertEquals("", Kernel.run(null, List.of(Kernel.ip(), "-n", web, "-o", "link", "show", "type", "veth")).out(),
                    "nor get a link");
            Run st = run("status", x.name, s1, P);
            assertEquals(1, st.exitCode(), st.out() + st.err());
            // --down leaves it (it is not this apply's) and removes the rest.
            ok(run("apply", x.name, s1, "--down"));
            assertEquals(List.of(web), x.children());
        }
    }

    @Test
    void aNamespaceRenamedByHandIsLeftWhereItIs() throws IOException {
        try (Kernel.Netns x = new Kernel.Netns()) {
            String web = x.prefix() + "web";
            String moved = x.name + "moved";
            try {
                Path s1 = state();
                ok(run("apply", x.name, s1, P));
                // 'ip netns' has no rename: a name is a bind mount of the namespace, so bind it under
                // the new name and delete the old one.
                Path to = Path.of("/run/netns", moved);
                Files.createFile(to);
                assertEquals(0, Kernel.run(null, List.of("mount", "--bind", "/run/netns/" + web, to.toString()))
                        .exitCode());
                assertEquals(0, Kernel.run(null, List.of(Kernel.ip(), "netns", "del", web)).exitCode());
                ok(run("apply", x.name, s1, P));
                assertTrue(lo(web).contains("alias netpolc:netns:web@"), "apply makes web again: " + lo(web));
                ok(run("apply", x.name, s1, "--down"));
                assertEquals(List.of(), x.children());
                assertTrue(lo(moved).contains("alias netpolc:netns:web@"), "the renamed one is left as it is");
            } finally {
                Kernel.run(null, List.of(Kernel.ip(), "netns", "del", moved));
            }
        }
    }
}
