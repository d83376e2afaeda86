package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The processes {@code netpolc apply} starts (iptables-restore, nft, ip, the link setup script and
 * the ip processes it starts in turn) end when apply ends, however it ends: an apply killed with
 * SIGKILL while its link setup script runs leaves nothing running that could race the next
 * command (issue #18), and the next {@code apply --down} succeeds. Always with {@code --netns} and
 * a namespace the test creates and deletes, with every container namespace apply made in it.
 */
@Tag("kernel")
class ApplyChildrenKernelTest {

    /** Containers in the policy: enough for the setup script to run for a few seconds. */
    private static final int CONTAINERS = 300;

    private Path state;

    @BeforeEach
    void setUp() throws IOException {
        Kernel.require("ip", "nsenter", "unshare", "setsid", "setpriv", "iptables-save", "iptables-restore",
                "ip6tables-save", "ip6tables-restore");
        state = Files.createTempDirectory("netpolc-apply-children");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(state)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** A policy of {@link #CONTAINERS} containers on two networks. */
    private Path manyContainers() throws IOException {
        StringBuilder b = new StringBuilder("network a { subnet 10.80.0.0/16 }\nnetwork b { subnet 10.81.0.0/16 }\n");
        for (int i = 1; i <= CONTAINERS; i++) {
            b.append("container c").append(i).append(" { attach ").append(i % 2 == 0 ? "b" : "a").append(" }\n");
        }
        Path policy = state.resolve("many.net");
        Files.writeString(policy, b.toString());
        return policy;
    }

    /** A netpolc in a JVM of its own, so that a signal ends it and not the test. */
    private Process child(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.netpolc.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(Repo.root().toFile()).redirectErrorStream(true)
                .redirectOutput(state.resolve("child.out").toFile()).start();
    }

    /** A process's command line, arguments separated by spaces; "" when it is gone. */
    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether a process exists and is not a zombie (one that ended and waits for its parent to reap it). */
    private static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The running processes that belong to the test's namespace: those whose command line names
     * it (nsenter --net=/run/netns/NAME, ip -n NAME-cN, the setup script's environment assignment)
     * or whose environment carries its container prefix (the setup script and everything it
     * starts), and those of {@code seen} (apply's descendants before it was killed) still alive.
     * The namespace's name is unique to this test, so no other process matches.
     */
    private static Map<Long, String> leftOver(Kernel.Netns ns, Map<Long, ProcessHandle> seen) throws IOException {
        Map<Long, String> out = new LinkedHashMap<>();
        String env = "NETPOLC_NETNS_PREFIX=" + ns.prefix();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == ProcessHandle.current().pid() || !running(pid)) {
                    continue;
                }
                String cmd = cmdline(pid);
                String environ;
                try {
                    environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    environ = "";
                }
                if (cmd.contains(ns.name) || environ.contains(env + "\0") || environ.endsWith(env)) {
                    out.put(pid, cmd);
                }
            }
        }
        seen.forEach((pid, h) -> {
            if (h.isAlive() && running(pid)) {
                out.putIfAbsent(pid, cmdline(pid));
            }
        });
        return out;
    }

    /**
     * Starts netpolc with {@code args} in a JVM of its own, waits until one of its processes has a
     * command line that {@code at} accepts, kills the JVM with SIGKILL, and asserts that nothing it
     * started is running half a second later. Whatever is left is ended, by process id, before returning.
     */
    private void killWhile(Kernel.Netns ns, String what, java.util.function.Predicate<String> at, String... args)
            throws Exception {
        Process p = child(args);
        Map<Long, ProcessHandle> seen = new LinkedHashMap<>();
        try {
            boolean there = false;
            long deadline = System.currentTimeMillis() + 180_000;
            while (!there && p.isAlive() && System.currentTimeMillis() < deadline) {
                for (ProcessHandle h : p.descendants().toList()) {
                    seen.putIfAbsent(h.pid(), h);
                    there |= at.test(cmdline(h.pid()));
                }
                if (!there) {
                    Thread.sleep(10);
                }
            }
            assertTrue(there, "netpolc never got to " + what + ": " + Files.readString(state.resolve("child.out")));
            p.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
            assertTrue(Kernel.run(null, List.of("kill", "-KILL", Long.toString(p.pid()))).ok());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "netpolc did not die");
            // What it started ends with it: within half a second (it takes milliseconds), where the
            // scripts alone would go on for seconds with the rest of the containers.
            deadline = System.currentTimeMillis() + 500;
            Map<Long, String> left = leftOver(ns, seen);
            while (!left.isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                left = leftOver(ns, seen);
            }
            assertEquals(Map.of(), left, "processes that netpolc started, killed during " + what + ", still run");
        } finally {
            // Whatever the killed netpolc started and left running (the processes found above,
            // and only those), ended by their process ids before the namespace is deleted.
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            for (int round = 0; round < 50; round++) {
                Map<Long, String> still = leftOver(ns, seen);
                if (still.isEmpty()) {
                    break;
                }
                for (long pid : still.keySet()) {
                    Kernel.run(null, List.of("kill", "-KILL", Long.toString(pid)));
                }
                Thread.sleep(100);
            }
        }
    }

    /** SIGKILL while the link setup script works inside the container namespaces (it runs 'ip -n PREFIX...'). */
    @Test
    void aKilledApplysProcessesDieWithIt() throws Exception {
        Path policy = manyContainers();
        try (Kernel.Netns ns = new Kernel.Netns()) {
            killWhile(ns, "its link setup script", cmd -> cmd.startsWith("ip ") && cmd.contains(" -n " + ns.prefix()),
                    "apply", "--netns", ns.name, "--state-dir", state.toString(), policy.toString());
            // The killed apply was the first: no record names the chain prefix, so --down is given the policy.
            Run down = Run.netpolc("apply", "--down", "--netns", ns.name, "--state-dir", state.toString(), policy.toString());
            assertEquals(0, down.exitCode(), () -> "the apply --down after the kill failed:\n" + down.out() + down.err());
            assertTrue(down.err().contains("rolled back the interrupted apply"), down.err());
            // The namespaces the script's first 'ip -batch' added, killed before it marked them, are
            // named in the journal as being created: the rollback deletes them.
            assertEquals(List.of(), ns.children(), "container namespaces left after the rollback and --down");
        }
    }

    /**
     * The case of issue #18: SIGKILL of an {@code apply --down} with links, here while its four
     * shells read the container namespaces (each runs nsenter and ip for one namespace after the
     * other). None of them reads on, and the next {@code apply --down} rolls the killed one back
     * and takes everything down.
     */
    @Test
    void aKilledDownsProcessesDieWithIt() throws Exception {
        Path policy = manyContainers();
        try (Kernel.Netns ns = new Kernel.Netns()) {
            Run up = Run.netpolc("apply", "--netns", ns.name, "--state-dir", state.toString(), policy.toString());
            assertEquals(0, up.exitCode(), up.err());
            assertEquals(CONTAINERS, ns.children().size());
            killWhile(ns, "reading the container namespaces",
                    cmd -> cmd.contains(" --net=" + Kernel.NETNS_DIR + "/" + ns.prefix()) && !cmd.contains(" -c "),
                    "apply", "--down", "--netns", ns.name, "--state-dir", state.toString());
            Run down = Run.netpolc("apply", "--down", "--netns", ns.name, "--state-dir", state.toString());
            assertEquals(0, down.exitCode(), () -> "the apply --down after the kill failed:\n" + down.out() + down.err());
            assertEquals(List.of(), ns.children(), "container namespaces left");
        }
    }
}
