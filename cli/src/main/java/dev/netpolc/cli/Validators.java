package dev.netpolc.cli;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.SourceSpan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The platform tools that check a target's output without applying it: iptables-restore --test,
 * ip6tables-restore --test, nft -c, shellcheck. The firewall tools run in a new, empty network
 * namespace (unshare), so checking never touches the host's own rules. A tool that is not
 * installed is skipped.
 */
final class Validators {

    private Validators() {}

    static List<Diagnostic> check(Policy policy, String file, Io io) {
        List<Diagnostic> out = new ArrayList<>();
        for (Backend b : Backends.all()) {
            if (b.perNode() && !policy.nodes().isEmpty()) {
                // each host's output is checked; one diagnostic per target is enough
                for (Node n : policy.nodes()) {
                    List<Diagnostic> found = validate(b.name(), b.render(policy, new RenderOptions(false, n.name())), file);
                    out.addAll(found);
                    if (!found.isEmpty()) {
                        break;
                    }
                }
            } else {
                out.addAll(validate(b.name(), b.render(policy), file));
            }
        }
        return out;
    }

    /** What the target's validator says of an output: nothing, or one NP4001 (also nothing when it is not installed). */
    static List<Diagnostic> validate(String target, String output, String file) {
        List<String> command = command(target);
        if (command == null || which(command.get(commandTool(command))) == null || which(command.get(0)) == null) {
            return List.of();
        }
        Result r = run(command, output);
        if (r.exitCode == 0) {
            return List.of();
        }
        String first = r.output.lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + r.exitCode);
        return List.of(Diagnostic.of(DiagnosticCode.VALIDATOR_REJECTED, new SourceSpan(file, 1, 1, 1),
                String.join(" ", command.subList(commandTool(command), command.size())) + " rejected the "
                        + target + " output: " + first,
                Note.note("this is a bug in netpolc or a limit of the installed tool; see 'netpolc compile -t "
                        + target + "'")));
    }

    /** The command that validates a target's output read from standard input, or null when there is none. */
    static List<String> command(String target) {
        List<String> isolate = isRoot() ? List.of("unshare", "-n") : List.of("unshare", "-r", "-n");
        switch (target) {
            case "iptables":
                return concat(isolate, List.of("iptables-restore", "--test"));
            case "ip6tables":
                return concat(isolate, List.of("ip6tables-restore", "--test"));
            case "nftables":
                return concat(isolate, List.of("nft", "-c", "-f", "-"));
            default:
                return target.startsWith("iplink") ? List.of("shellcheck", "-s", "sh", "-") : null;
        }
    }

    /** Index of the validating tool in a command (after the unshare prefix). */
    private static int commandTool(List<String> command) {
        return command.get(0).equals("unshare") ? command.indexOf("-n") + 1 : 0;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command, String stdin) {
        try {
            Path out = Files.createTempFile("netpolc-validate", ".txt");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the tool may exit before reading everything; its exit code says why
                }
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return new Result(124, "timed out");
                }
                return new Result(p.exitValue(), Files.readString(out));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    static Path which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
