package dev.netpolc.cli;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.RenderOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;


import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc compile}: a policy to the rules of one target. */
final class CompileCommand implements Command {

    @Override
    public String name() {
        return "compile";
    }

    @Override
    public String summary() {
        return "compile a policy into rules for one target (default: iptables)";
    }

    @Override
    public String synopsis() {
        return "compile [-t TARGET] [-o FILE] [--annotate] POLICY";
    }

    @Override
    public String details() {
        return "POLICY is a .net file, or - for standard input. Rules go to standard output (or FILE),\n"
                + "diagnostics to standard error, so 'netpolc compile p.net | iptables-restore' is safe:\n"
                + "when the policy has errors nothing is written and the exit code is 1.\n\ntargets:\n"
                + Backends.all().stream().map(b -> String.format("  %-10s %s", b.name(), b.description()))
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("t").longOpt("target").hasArg().argName("TARGET")
                .desc("what to generate (default " + Backends.defaultBackend().name() + ")").get());
        o.addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
                .desc("write to FILE (replaced atomically, untouched on error) instead of standard output").get());
        o.addOption(Option.builder("a").longOpt("annotate")
                .desc("comment every rule (nftables: every set element) with the policy line it came from").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(CommandLine line, Io io) throws UsageException {
        if (line.getArgList().size() != 1) {
            throw new UsageException("compile: expected one POLICY file (or - for standard input), got "
                    + line.getArgList().size());
        }
        String targetName = line.getOptionValue("target", Backends.defaultBackend().name());
        Backend backend = Backends.byName(targetName).orElseThrow(() -> new UsageException("compile: unknown target '"
                + targetName + "'; targets are: " + Backends.all().stream().map(Backend::name).collect(Collectors.joining(", "))));
        PolicyInput.Loaded loaded = PolicyInput.load(line.getArgList().get(0), io);
        if (loaded.policy() == null) {
            return loaded.exitCode();
        }
        String text = backend.render(loaded.policy(), new RenderOptions(line.hasOption("annotate")));
        String outputPath = line.getOptionValue("output");
        if (outputPath == null || outputPath.equals("-")) {
            io.out().write(text.getBytes(StandardCharsets.UTF_8), 0, text.getBytes(StandardCharsets.UTF_8).length);
            io.out().flush();
            if (io.out().checkError()) {
                io.err().println("netpolc: cannot write to standard output");
                return ExitCode.IO_OR_INTERNAL;
            }
            return ExitCode.OK;
        }
        try {
            AtomicFile.write(io.cwd().resolve(outputPath), text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            io.err().println("netpolc: cannot write '" + outputPath + "'" + PolicyInput.reason(e)
                    + "; the file was left as it was");
            return ExitCode.IO_OR_INTERNAL;
        }
        return ExitCode.OK;
    }
}
