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
 */
public final class Host {

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

    private static Result exec(String stdin, List<String> cmd) throws ApplyException {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("netpolc-apply", ".out");
            err = Files.createTempFile("netpolc-apply", ".err");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The command ended without reading all of its input; its exit code says why.
            }
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ApplyException("'" + String.join(" ", cmd) + "' did not finish within 300 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new ApplyException("cannot run '" + cmd.get(0) + "': " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
