package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
