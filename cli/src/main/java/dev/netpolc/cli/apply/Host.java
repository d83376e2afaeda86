package dev.netpolc.cli.apply;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the tools apply needs (iptables-save, nft, ip, sh) in the network namespace apply works
 * on: the named one with {@code nsenter --net=/run/netns/NAME} (which, unlike {@code ip netns
 * exec}, keeps the mount namespace, so namespaces a script creates persist), or this process's own.
 *
 * <p>Every process apply starts goes through {@link #exec}, and ends when apply ends, however it
 * ends (SIGKILL included), together with everything it started in turn (the ip processes of a
 * {@code sh} script): a tool left running after apply was killed would race the next command,
 * which rolls the killed apply back (issue #18). See {@link #KEEPER} and {@link #CHECK}.
 */
public final class Host {

    /**
     * The shell that a tool which may start processes of its own (a script) runs under, started
     * as {@code setsid setpriv --pdeathsig TERM sh -c KEEPER sh JVM-PID TOOL ARGS...}:
     * {@code setsid} makes it the leader of a session and process
     * group of its own (which the tool and whatever the tool starts belong to, and nothing else),
     * {@code setpriv --pdeathsig TERM} has the kernel send it SIGTERM when its parent goes, and on
     * SIGTERM it kills its whole process group with SIGKILL. It starts the tool in the background
     * so that it can take the signal while the tool runs (a shell runs a trap only once a
     * foreground command is over), handing it its own standard input (a background command would
     * otherwise read /dev/null, and {@code ip -batch -} and the restores read theirs), and exits
     * with the tool's exit status. When apply was gone before the parent-death signal was set (its
     * process id is no longer the parent's), it kills the group at once.
     *
     * <p>The kernel sends the parent-death signal when the thread that started the process ends,
     * not only the process: each tool is started by the thread that then waits for it in
     * {@link #exec} (a {@link Task}'s thread ends only after its body, and so the wait, returned),
     * and a wait that is given up (time-out, interrupt) ends the tool's group itself.
     */
    static final String KEEPER = "trap 'kill -9 0' TERM; [ \"$PPID\" = \"$1\" ] || kill -9 0; shift;"
            + " exec 3<&0; \"$@\" <&3 3<&- & exec 3<&- <&-; wait \"$!\"";

    /**
     * The lighter form for a tool that starts no process of its own, so that it alone has to end:
     * {@code setpriv --pdeathsig KILL sh -c CHECK sh JVM-PID TOOL ARGS...} checks that apply is
     * still its parent (else exits 137) and then becomes the tool, which keeps the parent-death
     * signal across exec. Half the cost of {@link #KEEPER} (no setsid, no fork).
     */
    static final String CHECK = "[ \"$PPID\" = \"$1\" ] || exit 137; shift; exec \"$@\"";

    /**
     * The tools that start no process of their own (iptables-legacy may run modprobe to load a
     * module, which ends by itself), run under {@link #CHECK}; anything else ({@code sh}, {@code
     * env}, {@code unshare}) runs under {@link #KEEPER}.
     */
    private static final java.util.Set<String> SINGLE = java.util.Set.of("ip", "nft", "cat", "iptables-save",
            "iptables-restore", "ip6tables-save", "ip6tables-restore");

    /** The tools {@link #KEEPER} runs under, both from util-linux. */
    private static final List<String> KEEPER_TOOLS = List.of("setsid", "setpriv");

    /** Names 'ip netns add' accepts and that are safe in a path. */
    private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final Path NETNS_DIR = Path.of("/run/netns");

    /** What a command printed and its exit code. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The first line of standard error, or of standard output, for a message. */
        public String reason() {
            String text = err.isBlank() ? out : err;
            String line = text.strip().lines().findFirst().orElse("");
            return line.isEmpty() ? "exit code " + exitCode : line + " (exit code " + exitCode + ")";
        }
    }

    private final String netns;
    private final String containerPrefix;

    private Host(String netns, String containerPrefix) {
        this.netns = netns;
        this.containerPrefix = containerPrefix != null ? containerPrefix : netns == null ? "" : netns + "-";
    }

    /**
     * The host of namespace {@code netns}, or of this process when null; {@code containerPrefix}
     * (null for the default) is the prefix of container namespace names.
     */
    public static Host of(String netns, String containerPrefix) throws ApplyException {
        if (containerPrefix != null && !containerPrefix.matches("[A-Za-z0-9_.-]{0,40}")) {
            throw new ApplyException("--netns-prefix '" + containerPrefix + "' may hold only letters, digits, '_', '.'"
                    + " and '-', at most 40");
        }
        requireKeeper();
        if (netns == null) {
            return new Host(null, containerPrefix);
        }
        if (!NETNS_NAME.matcher(netns).matches()) {
            throw new ApplyException("--netns '" + netns + "' is not a network namespace name (letters, digits, '_',"
                    + " '.' and '-', at most 64)");
        }
        if (!Files.exists(NETNS_DIR.resolve(netns))) {
            throw new ApplyException("network namespace '" + netns + "' does not exist (no " + NETNS_DIR.resolve(netns)
                    + "); create it with 'ip netns add " + netns + "'");
        }
        return new Host(netns, containerPrefix);
    }

    /** The namespace name, or null for this process's own. */
    public String netns() {
        return netns;
    }

    /** For messages: "network namespace NAME" or "this host". */
    public String describe() {
        return netns == null ? "this host's network namespace" : "network namespace " + netns;
    }

    /**
     * The prefix of the container namespaces the iplink scripts create ({@code NETPOLC_NETNS_PREFIX}):
     * inside {@code --netns NAME} they are {@code NAME-CONTAINER}, so that they go with it, unless
     * {@code --netns-prefix} says otherwise.
     */
    public String containerPrefix() {
        return containerPrefix;
    }

    /** Runs a command in the namespace, feeding it {@code stdin} (may be null). */
    public Result run(String stdin, List<String> command) throws ApplyException {
        List<String> cmd = new ArrayList<>();
        if (netns != null) {
            cmd.add(tool("nsenter"));
            cmd.add("--net=" + NETNS_DIR.resolve(netns));
        }
        cmd.add(tool(command.get(0)));
        cmd.addAll(command.subList(1, command.size()));
        return exec(stdin, cmd);
    }

    public Result run(String stdin, String... command) throws ApplyException {
        return run(stdin, List.of(command));
    }

    /** Runs a command in this process's namespace (for a scratch 'unshare --net'). */
    static Result local(String stdin, List<String> command) throws ApplyException {
        List<String> cmd = new ArrayList<>(command);
        cmd.set(0, tool(cmd.get(0)));
        return exec(stdin, cmd);
    }

    /**
     * Stops apply, before it reads or changes anything, when the tools that make its processes end
     * with it are missing: running without them would let a killed apply's tools race the next
     * command, the very failure they prevent. They come with util-linux, as nsenter and unshare do.
     */
    static void requireKeeper() throws ApplyException {
        List<String> missing = KEEPER_TOOLS.stream().filter(t -> !has(t)).toList();
        if (!missing.isEmpty()) {
            throw new ApplyException(String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " not installed (util-linux): netpolc apply runs every tool under setsid and setpriv, so that"
                    + " what it starts ends when it ends; install util-linux");
        }
    }

    private static Result exec(String stdin, List<String> cmd) throws ApplyException {
        requireKeeper();
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> kept = new ArrayList<>(single(cmd)
                ? List.of(tool("setpriv"), "--pdeathsig", "KILL", tool("sh"), "-c", CHECK, "sh", self)
                : List.of(tool("setsid"), tool("setpriv"), "--pdeathsig", "TERM", tool("sh"), "-c", KEEPER, "sh", self));
        kept.addAll(cmd);
        Path out = null;
        Path err = null;
        Process p = null;
        try {
            out = Files.createTempFile("netpolc-apply", ".out");
            err = Files.createTempFile("netpolc-apply", ".err");
            p = new ProcessBuilder(kept).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command ended without reading all of its input; its exit code says why.
            }
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                end(p);
                throw new ApplyException("'" + String.join(" ", cmd) + "' did not finish within 300 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new ApplyException("cannot run '" + cmd.get(0) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(p);
            throw new ApplyException("interrupted while running '" + cmd.get(0) + "'");
        } finally {
            try {
                if (out != null) {
                    Files.deleteIfExists(out);
                }
                if (err != null) {
                    Files.deleteIfExists(err);
                }
            } catch (IOException e) {
                // a temporary file left behind is harmless
            }
        }
    }

    /** Whether {@code cmd} runs one of the {@link #SINGLE} tools, directly or through nsenter (which execs it). */
    private static boolean single(List<String> cmd) {
        int at = 0;
        if (Path.of(cmd.get(0)).getFileName().toString().equals("nsenter")) {
            at = 1;
            while (at < cmd.size() && cmd.get(at).startsWith("-")) {
                at++;
            }
        }
        return at < cmd.size() && SINGLE.contains(Path.of(cmd.get(at)).getFileName().toString());
    }

    /**
     * Ends a tool that is no longer waited for, with everything it started: SIGTERM to its
     * {@link #KEEPER}, which kills their process group; SIGKILL to what is left after a second.
     */
    private static void end(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> started = p.descendants().toList();
        p.destroy();
        try {
            if (p.waitFor(1, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** A tool's path: PATH first, then the sbin directories a non-login root shell may lack. */
    static String tool(String name) {
        if (name.contains("/")) {
            return name;
        }
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
        for (String dir : dirs) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name).toString();
            }
        }
        return name;
    }

    /** Whether a tool is installed. */
    static boolean has(String name) {
        return !tool(name).equals(name);
    }
}
