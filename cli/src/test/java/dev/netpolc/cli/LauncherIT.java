package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./netpolc} launcher, run as a user runs it, after the runnable jar is packaged (a
 * failsafe test): the JVM it chooses, the class cache it records and then uses, the options it
 * passes on, and that its output and exit codes are the program's.
 */
class LauncherIT {

    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path LAUNCHER = REPO.resolve("netpolc");
    private static final Path CACHES = REPO.resolve("cli/target/cds");

    private record Result(int code, String out, String err) {}

    private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        pb.environment().remove("NETPOLC_JAVA");
        pb.environment().remove("NETPOLC_CDS");
        pb.environment().remove("NETPOLC_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        try {
            int code = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start().waitFor();
            return new Result(code, Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String golden(String name) throws IOException {
        return Files.readString(REPO.resolve("golden-outputs/docker/" + name), StandardCharsets.UTF_8);
    }

    @Test
    void compilesWhatTheProgramCompiles() throws Exception {
        Result r = run(Map.of(), "compile", "policies/docker/a-default-bridge.net");
        assertEquals(0, r.code(), r.err());
        assertEquals(golden("a-default-bridge.iptables.approved.txt"), r.out());
        Result nft = run(Map.of(), "compile", "-t", "nftables", "policies/docker/c-no-icc.net");
        assertEquals(golden("c-no-icc.nftables.approved.txt"), nft.out());
    }

    @Test
    void aPolicyWithErrorsExitsWithOneAndPrintsNoRules() throws Exception {
        Result r = run(Map.of(), "compile", "policies/invalid/rule-ambiguous-name.net");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertTrue(r.err().contains("error[NP2043]"), r.err());
        assertEquals(2, run(Map.of(), "compile", "--no-such-option", "x.net").code());
    }

    @Test
    void recordsAClassCacheOnceAndUsesItAfterwards() throws Exception {
        try (Stream<Path> old = Files.exists(CACHES) ? Files.list(CACHES) : Stream.empty()) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        assertEquals(0, run(Map.of(), "--version").code());
        List<Path> caches;
        try (Stream<Path> files = Files.list(CACHES)) {
            caches = files.filter(p -> p.toString().endsWith(".aot") || p.toString().endsWith(".jsa")).toList();
        }
        assertEquals(1, caches.size(), "one cache for the one JVM: " + caches);
        String chosen = run(Map.of("NETPOLC_WHICH_JAVA", "1")).out().strip();
        String version = javaMajor(chosen);
        boolean aot = Integer.parseInt(version) >= 25;
        assertEquals(aot ? ".aot" : ".jsa", caches.get(0).toString().substring(caches.get(0).toString().lastIndexOf('.')),
                "JDK " + version + " at " + chosen);
        // The next run maps it: its classes come from the cache, not from the jar.
        Path log = Files.createTempFile("classes", ".log");
        try {
            Result r = run(Map.of("NETPOLC_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "compile",
                    "policies/docker/a-default-bridge.net");
            assertEquals(0, r.code(), r.err());
            String loads = Files.readString(log);
            assertTrue(loads.contains("dev.netpolc.cli.Main source: shared objects file"), "Main was not taken from the cache");
        } finally {
            Files.deleteIfExists(log);
        }
        // Without a cache the output is the same.
        Result plain = run(Map.of("NETPOLC_CDS", "0"), "compile", "policies/docker/a-default-bridge.net");
        assertEquals(golden("a-default-bridge.iptables.approved.txt"), plain.out());
    }

    /** Every JDK on the machine (the PATH's and those under /usr/lib/jvm) runs netpolc through the launcher. */
    @Test
    void everyInstalledJdkRunsItWithItsOwnCache() throws Exception {
        List<String> javas = new ArrayList<>();
        String onPath = run(Map.of("NETPOLC_JAVA", "java", "NETPOLC_WHICH_JAVA", "1")).out().strip();
        javas.add(onPath);
        try (Stream<Path> dirs = Files.isDirectory(Path.of("/usr/lib/jvm")) ? Files.list(Path.of("/usr/lib/jvm")) : Stream.empty()) {
            for (Path d : dirs.sorted().toList()) {
                Path j = d.resolve("bin/java");
                if (Files.isExecutable(j) && !Files.isSymbolicLink(d)) {
                    javas.add(j.toString());
                }
            }
        }
        for (String j : javas) {
            Result r = run(Map.of("NETPOLC_JAVA", j), "compile", "policies/docker/a-default-bridge.net");
            assertEquals(0, r.code(), j + ": " + r.err());
            assertEquals(golden("a-default-bridge.iptables.approved.txt"), r.out(), j);
            assertEquals("", r.err(), j);
            String suffix = Integer.parseInt(javaMajor(j)) >= 25 ? ".aot" : ".jsa";
            String name = "netpolc" + j.replaceAll("[^A-Za-z0-9]", "_");
            assertTrue(Files.exists(CACHES.resolve(name + ".direct" + suffix)), j + ": no " + suffix + " cache in " + CACHES);
            // A run that names nftables records and uses a cache of its own, which holds the template engine.
            Result nft = run(Map.of("NETPOLC_JAVA", j), "compile", "-t", "nftables", "policies/docker/c-no-icc.net");
            assertEquals(golden("c-no-icc.nftables.approved.txt"), nft.out(), j);
            assertTrue(Files.exists(CACHES.resolve(name + ".templates" + suffix)), j + ": no templates cache");
        }
    }

    /**
     * apply and status record a cache of their own, trained by a real apply, status and
     * {@code apply --down} in a network namespace that {@code unshare --net} creates for the
     * training run, and map it afterwards; the training leaves the namespace the launcher runs in
     * (here the host's) as it was, and no state behind. The training entry point refuses to run
     * in the namespace it is started from.
     */
    @Test
    void applyAndStatusRecordACacheOfTheirOwnWithoutTouchingThisNamespace() throws Exception {
        Kernel.require("unshare", "nsenter", "iptables-restore", "iptables-save", "ip6tables-restore", "ip6tables-save", "nft");
        String chosen = run(Map.of("NETPOLC_WHICH_JAVA", "1")).out().strip();
        String name = "netpolc" + chosen.replaceAll("[^A-Za-z0-9]", "_") + ".apply"
                + (Integer.parseInt(javaMajor(chosen)) >= 25 ? ".aot" : ".jsa");
        Files.deleteIfExists(CACHES.resolve(name));
        Files.deleteIfExists(CACHES.resolve(name.substring(0, name.lastIndexOf('.')) + ".failed"));
        String hostBefore = firewallHere();
        Path state = Files.createTempDirectory("netpolc-launcher-state");
        Path log = Files.createTempFile("classes", ".log");
        try (Kernel.Netns ns = new Kernel.Netns()) {
            String[] apply = {"apply", "--netns", ns.name, "--state-dir", state.toString(), "--firewall-only",
                "policies/docker/a-default-bridge.net"};
            // The entry point refuses to train in its parent's namespace, and in one that holds a link
            // besides the loopback. Both are tried in the test's namespace (so that a guard that
            // failed would touch only that one): from a shell there, then exec'd from the test.
            String train = "env NETPOLC_CDS=0 bash '" + LAUNCHER + "' __training-apply policies/docker/a-default-bridge.net '"
                    + state + "/training' iptables";
            Kernel.Result parents = ns.script("cd '" + REPO + "' && " + train + "\n");
            assertEquals(2, parents.exitCode(), parents.err());
            assertTrue(parents.err().contains("runs only in a network namespace of its own"), parents.err());
            assertTrue(ns.exec(null, "ip", "link", "add", "b0", "type", "bridge").ok());
            Kernel.Result linked = ns.script("cd '" + REPO + "' && exec " + train + "\n");
            assertEquals(2, linked.exitCode(), linked.err());
            assertEquals("", ns.exec(null, "iptables-save").out(), "__training-apply wrote to the namespace it runs in");
            Result r = run(Map.of(), apply);
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.exists(CACHES.resolve(name)), "no apply cache " + name + " in " + CACHES);
            Result status = run(Map.of("NETPOLC_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), "status", "--netns",
                    ns.name, "--state-dir", state.toString(), "policies/docker/a-default-bridge.net");
            assertEquals(0, status.code(), status.out() + status.err());
            assertTrue(Files.readString(log).contains("dev.netpolc.cli.apply.Apply source: shared objects file"),
                    "status did not take apply's classes from the cache");
            assertTrue(ns.exec(null, "iptables-save").out().contains(":DOCKER-USER"), "the apply did not reach " + ns.name);
            assertEquals(0, run(Map.of(), "apply", "--down", "--netns", ns.name, "--state-dir", state.toString()).code());
        } finally {
            Files.deleteIfExists(log);
            try (Stream<Path> files = Files.walk(state)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        assertEquals(hostBefore, firewallHere(), "the training changed the firewall of the namespace it started in");
        try (Stream<Path> files = Files.list(CACHES)) {
            List<Path> left = files.filter(p -> p.toString().endsWith(".state") || p.toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), left, "the training left files behind");
        }
    }

    /**
     * The apply training never sees or touches a named network namespace of the machine (issue
     * #18: its {@code apply --down} once deleted every namespace under /run/netns whose loopback
     * carried netpolc's mark). A decoy namespace marked as netpolc marks a container's namespace
     * ({@code netpolc:netns:NAME} on its loopback, with a link of its own) is there while the
     * launcher trains apply's cache: it is still there afterwards, unchanged. The training entry
     * point itself refuses to run with the machine's /run/netns, as under the launcher's old
     * {@code unshare --net}, or in a mount namespace of its own without a tmpfs there.
     *
     * <p>Everything runs in a mount namespace the test makes ({@code unshare --mount}) with a
     * tmpfs on /run/netns that holds only the decoy, so that a launcher that lost its isolation
     * deletes the decoy and nothing else: another test's namespaces on the machine are not in
     * reach.
     */
    @Test
    void theApplyTrainingNeitherSeesNorTouchesTheMachinesNamespaces() throws Exception {
        Kernel.require("unshare", "mount", "setsid", "setpriv", "ip", "iptables-restore", "iptables-save",
                "ip6tables-restore", "ip6tables-save", "nft");
        String chosen = run(Map.of("NETPOLC_WHICH_JAVA", "1")).out().strip();
        String base = "netpolc" + chosen.replaceAll("[^A-Za-z0-9]", "_") + ".apply";
        for (String suffix : List.of(".aot", ".jsa", ".failed")) {
            Files.deleteIfExists(CACHES.resolve(base + suffix));
        }
        String decoy = "netpolc-decoy" + ProcessHandle.current().pid();
        Path state = Files.createTempDirectory("netpolc-decoy-state");
        String train = "'" + chosen + "' -jar '" + REPO.resolve("cli/target/netpolc.jar") + "' __training-apply"
                + " policies/docker/a-default-bridge.net '" + state + "/training' iptables";
        String script = String.join("\n",
                "set -e",
                "cd '" + REPO + "'",
                "if [ -d /run/netns ]; then mount -t tmpfs netpolc-test /run/netns",
                "else mount -t tmpfs netpolc-test /run && mkdir /run/netns; fi",
                "ip netns add " + decoy,
                "ip -n " + decoy + " link set dev lo alias netpolc:netns:" + decoy,
                "ip -n " + decoy + " link add d0 type bridge",
                "ip -n " + decoy + " link set dev d0 alias netpolc:bridge:" + decoy,
                "ip -n " + decoy + " addr add 10.254.0.1/24 dev d0",
                // Links (without -d: a bridge's timers change by themselves) and addresses.
                "show() { ip netns list; ip -n " + decoy + " -o link show; ip -n " + decoy + " -4 -o addr show; }",
                "echo '== before'; show",
                "echo '== refused'",
                "set +e",
                // The launcher's old trainer: a network namespace of its own, the machine's /run/netns.
                "unshare --net " + train + " 2>&1; echo \"old trainer: $?\"",
                // A mount namespace of its own, but /run/netns is still the same file system.
                "unshare --net --mount --propagation private " + train + " 2>&1; echo \"no tmpfs: $?\"",
                "echo '== guards'; show",
                "env -u NETPOLC_JAVA -u NETPOLC_CDS -u NETPOLC_JAVA_OPTS bash '" + LAUNCHER + "' status --help >/dev/null;"
                        + " echo \"launcher: $?\"",
                "echo '== trained'; show",
                "ip netns del " + decoy,
                "");
        Path file = Files.createTempFile("netpolc-decoy", ".sh");
        Path out = Files.createTempFile("netpolc-decoy", ".out");
        Process p = null;
        try {
            Files.writeString(file, script);
            p = new ProcessBuilder(Kernel.which("unshare").toString(), "--mount", "--propagation", "private", "sh",
                    file.toString()).directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS), "the training did not finish in 300 s");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), text);
            String before = section(text, "== before");
            assertTrue(before.contains(decoy) && before.contains("alias netpolc:netns:" + decoy), text);
            assertTrue(text.contains("old trainer: 2\n") && text.contains("no tmpfs: 2\n"), text);
            assertTrue(text.contains("runs only in a mount namespace of its own"), text);
            assertEquals(before, section(text, "== guards"), "a refused training changed the decoy");
            assertTrue(text.contains("launcher: 0\n"), text);
            assertTrue(Files.exists(CACHES.resolve(base + ".aot")) || Files.exists(CACHES.resolve(base + ".jsa")),
                    "the training did not run, or failed: " + text);
            assertEquals(before, section(text, "== trained"), "the training changed or deleted the decoy namespace");
        } finally {
            // The script's mount namespace, and the decoy in it, go when its last process ends.
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            Files.deleteIfExists(file);
            Files.deleteIfExists(out);
            try (Stream<Path> files = Files.walk(state)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** The lines after {@code heading} up to the next heading ("== ...") or the launcher's exit code. */
    private static String section(String text, String heading) {
        int at = text.indexOf(heading + "\n");
        assertTrue(at >= 0, "no " + heading + " in " + text);
        StringBuilder b = new StringBuilder();
        for (String line : text.substring(at + heading.length() + 1).split("\n")) {
            if (line.startsWith("== ") || line.startsWith("launcher: ")) {
                break;
            }
            b.append(line).append('\n');
        }
        return b.toString();
    }

    /**
     * A training run that fails (here an {@code unshare} that refuses) leaves a mark, and the
     * launcher does not train again with the same jar and JVM; the command itself still runs.
     */
    @Test
    void aTrainingRunThatFailedIsNotRepeatedWithTheSameJar() throws Exception {
        Kernel.require("unshare", "iptables-restore", "iptables-save", "ip6tables-restore", "ip6tables-save");
        String chosen = run(Map.of("NETPOLC_WHICH_JAVA", "1")).out().strip();
        String base = "netpolc" + chosen.replaceAll("[^A-Za-z0-9]", "_") + ".apply";
        Path failed = CACHES.resolve(base + ".failed");
        Path bin = Files.createTempDirectory("netpolc-fake-unshare");
        Path calls = bin.resolve("calls");
        try {
            Path unshare = bin.resolve("unshare");
            Files.writeString(unshare, "#!/bin/sh\necho called >> '" + calls + "'\nexit 1\n");
            assertTrue(unshare.toFile().setExecutable(true));
            for (String suffix : List.of(".aot", ".jsa", ".failed")) {
                Files.deleteIfExists(CACHES.resolve(base + suffix));
            }
            Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));
            List<Integer> tries = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Result r = run(env, "status", "--help");
                assertEquals(0, r.code(), r.err());
                assertTrue(r.out().contains("status"), r.out());
                tries.add(Files.exists(calls) ? Files.readAllLines(calls).size() : 0);
            }
            // The first run tries (an ahead-of-time cache, then a class-data-sharing archive); the second does not.
            assertTrue(tries.get(0) > 0, "the training never ran");
            assertEquals(tries.get(0), tries.get(1), "the failed training ran again");
            assertTrue(Files.exists(failed), "no mark of the failed training");
            assertFalse(Files.exists(CACHES.resolve(base + ".aot")) || Files.exists(CACHES.resolve(base + ".jsa")));
        } finally {
            Files.deleteIfExists(failed);
            Files.deleteIfExists(calls);
            Files.deleteIfExists(bin.resolve("unshare"));
            Files.deleteIfExists(bin);
        }
    }

    /** This namespace's firewall (both families and nft), counters and comments left out. */
    private static String firewallHere() {
        StringBuilder b = new StringBuilder();
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            Kernel.Result r = Kernel.run(null, List.of(Kernel.which(tool).toString()));
            assertEquals(0, r.exitCode(), tool + ": " + r.err());
            r.out().lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("\\[[0-9]+:[0-9]+\\]", "[]"))
                    .forEach(l -> b.append(l).append('\n'));
        }
        Kernel.Result nft = Kernel.run(null, List.of(Kernel.which("nft").toString(), "list", "ruleset"));
        assertEquals(0, nft.exitCode(), nft.err());
        return b.append(nft.out().replaceAll("packets [0-9]+ bytes [0-9]+", "")).toString();
    }

    @Test
    void theJvmCanBeChosen() throws Exception {
        String chosen = run(Map.of("NETPOLC_WHICH_JAVA", "1")).out().strip();
        assertTrue(Files.isExecutable(Path.of(chosen)), chosen);
        // The newest JDK 25 or later under /usr/lib/jvm wins when nothing is set.
        int newest = 0;
        try (Stream<Path> dirs = Files.isDirectory(Path.of("/usr/lib/jvm")) ? Files.list(Path.of("/usr/lib/jvm")) : Stream.empty()) {
            for (Path d : dirs.toList()) {
                var m = Pattern.compile("^[a-z]+-([0-9]+)([-.].*)?$").matcher(d.getFileName().toString());
                if (m.matches() && Integer.parseInt(m.group(1)) >= 25 && Files.isExecutable(d.resolve("bin/java"))) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
        }
        if (System.getenv("JAVA_HOME") == null && newest > 0) {
            assertEquals(String.valueOf(newest), javaMajor(chosen), chosen);
        }
        String java17 = run(Map.of("NETPOLC_JAVA", "/usr/bin/java", "NETPOLC_WHICH_JAVA", "1")).out().strip();
        assertEquals("/usr/bin/java", java17);
        // NETPOLC_JAVA_OPTS reach the JVM: -version makes it print its version instead of running netpolc.
        Result v = run(Map.of("NETPOLC_JAVA_OPTS", "-version"), "compile", "policies/docker/a-default-bridge.net");
        assertEquals(0, v.code());
        assertEquals("", v.out());
        assertTrue(v.err().contains("version"), v.err());
    }

    private static String javaMajor(String javaPath) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaPath, "-XshowSettings:properties", "-version").redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        var m = Pattern.compile("java\\.specification\\.version = ([0-9]+)").matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }
}
