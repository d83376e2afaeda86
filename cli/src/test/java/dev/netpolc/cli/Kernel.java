package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to a real kernel for tests, only ever inside network namespaces the test creates and
 * deletes. In CI ({@code CI=true}) missing root or tools fail the test; elsewhere the test is
 * skipped with one loud line on stderr.
 */
final class Kernel {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Where iproute2 keeps named network namespaces. */
    static final String NETNS_DIR = "/run/netns";

    private Kernel() {}

    /** Ensures the test can run: root and every named tool on the PATH. */
    static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root");
        }
        requireAll("kernel test", missing, tools);
    }

    /** Ensures every named tool is on the PATH, for a test that needs tools but not root. */
    static void requireTools(String test, String... tools) {
        requireAll(test, new ArrayList<>(), tools);
    }

    private static void requireAll(String test, List<String> missing, String... tools) {
        String message = missing(test, missing, tools);
        if (message == null) {
            return;
        }
        if (inCi()) {
            fail(message + " (CI=true: these tests must run in CI; .ci/run installs what they need)");
        }
        skipped(message);
        Assumptions.abort(message);
    }

    /** The skip messages printed so far: each is printed once per run, not once per test. */
    private static final java.util.Set<String> PRINTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Prints the loud line of a skip, the first time this run skips for that reason. */
    static void skipped(String message) {
        if (PRINTED.add(message)) {
            System.err.println("*** SKIPPED: " + message + " (and every other test that needs it) ***");
        }
    }

    /** "TEST needs root, nft" for what is missing of root (when asked) and the tools, or null when nothing is. */
    static String missing(String test, boolean root, String... tools) {
        List<String> missing = new ArrayList<>();
        if (root && !isRoot()) {
            missing.add("root");
        }
        return missing(test, missing, tools);
    }

    private static String missing(String test, List<String> missing, String... tools) {
        for (String tool : tools) {
            if (which(tool) == null) {
                missing.add(tool);
            }
        }
        return missing.isEmpty() ? null : test + " needs " + String.join(", ", missing);
    }

    /**
     * Whether this is CI ({@code CI=true}), where a missing requirement fails. The system property
     * {@code netpolc.test.ci} overrides the environment, for FreshMachineTest.
     */
    static boolean inCi() {
        return "true".equals(System.getProperty("netpolc.test.ci", System.getenv("CI")));
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The tool on the PATH (or in /usr/sbin, /sbin), or null. The system property
     * {@code netpolc.test.path} replaces both, so that FreshMachineTest can run the kernel tests as on
     * a machine without the tools.
     */
    static Path which(String tool) {
        String fresh = System.getProperty("netpolc.test.path");
        String path = fresh != null ? fresh : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String dir : fresh != null ? List.<String>of() : List.of("/usr/sbin", "/sbin")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The result of a command. */
    record Result(int exitCode, String out, String err) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    /** A network namespace created for one test, deleted by {@link #close}. */
    static final class Netns implements AutoCloseable {
        final String name;

        Netns() {
            name = "netpolc-t" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
            Result r = run(null, List.of(ip(), "netns", "add", name));
            if (r.exitCode() != 0) {
                fail("cannot create network namespace " + name + ": " + r.err());
            }
        }

        /** Runs a command inside the namespace, feeding it {@code stdin}. */
        Result exec(String stdin, String... command) {
            List<String> cmd = new ArrayList<>(List.of(ip(), "netns", "exec", name));
            cmd.addAll(List.of(command));
            return run(stdin, cmd);
        }

        /**
         * The prefix of the namespaces a script run here may create ({@code NETPOLC_NETNS_PREFIX}):
         * this namespace's name and '-', so they are unique to the test and deleted with it.
         */
        String prefix() {
            return name + "-";
        }

        /**
         * Runs a sh script with this namespace as its network namespace, and
         * {@code NETPOLC_NETNS_PREFIX} set to {@link #prefix()}. Not with 'ip netns exec': that gives
         * the command a private mount namespace, and a namespace the script creates with 'ip netns
         * add' is a mount inside it, gone (with every link in it) when the script ends. 'nsenter
         * --net' changes the network namespace only, so what the script creates persists.
         */
        Result script(String script) {
            try {
                Path file = Files.createTempFile("netpolc-script", ".sh");
                try {
                    Files.writeString(file, script);
                    return run(null, List.of(which("nsenter").toString(), "--net=" + NETNS_DIR + "/" + name, "env",
                            "NETPOLC_NETNS_PREFIX=" + prefix(), "sh", file.toString()));
                } finally {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The namespaces whose names start with {@link #prefix()}, sorted. */
        List<String> children() {
            List<String> out = new ArrayList<>();
            for (String line : run(null, List.of(ip(), "netns", "list")).out().split("\n")) {
                String ns = line.split(" ")[0];
                if (ns.startsWith(prefix())) {
                    out.add(ns);
                }
            }
            out.sort(null);
            return out;
        }

        /** Deletes this namespace and every namespace a script created with its prefix. */
        @Override
        public void close() {
            for (String child : children()) {
                run(null, List.of(ip(), "netns", "del", child));
            }
            run(null, List.of(ip(), "netns", "del", name));
        }
    }

    static String ip() {
        Path p = which("ip");
        return p == null ? "ip" : p.toString();
    }

    static Result run(String stdin, List<String> command) {
        try {
            Path out = Files.createTempFile("netpolc-out", ".txt");
            Path err = Files.createTempFile("netpolc-err", ".txt");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("timed out: " + command);
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
