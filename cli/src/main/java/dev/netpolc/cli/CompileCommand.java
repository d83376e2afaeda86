package dev.netpolc.cli;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc compile}: a policy to the rules (or scripts) of one target. */
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
        return "compile [-t TARGET] [-n NODE] [-o FILE] [--annotate] [--layout docker|owned] [--allow-empty] POLICY";
    }

    @Override
    public String details() {
        return "POLICY is a .net file, or - for standard input; a pipe or FIFO (bash's <(...)) is read like\n"
                + "standard input, with includes relative to the current directory. Rules go to standard\n"
                + "output (or FILE), diagnostics to standard error, so 'netpolc compile p.net | iptables-restore'\n"
                + "is safe: when the policy has errors, or declares nothing (without --allow-empty), nothing is\n"
                + "written and the exit code is 1. A policy with nodes describes several hosts: every target\n"
                + "builds one of them, named with --node (its containers and their published ports; every\n"
                + "network).\n\ntargets:\n"
                + Backends.all().stream().map(b -> String.format("  %-16s %s", b.name(), b.description()))
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("t").longOpt("target").hasArg().argName("TARGET")
                .desc("what to generate (default " + Backends.defaultBackend().name() + ")").get());
        o.addOption(Option.builder("n").longOpt("node").hasArg().argName("NODE")
                .desc("the host to build, required in a policy with nodes").get());
        o.addOption(Option.builder("o").longOpt("output").hasArg().argName("FILE")
                .desc("write to FILE (replaced atomically, untouched on error; a device or FIFO is written in place)"
                        + " instead of standard output").get());
        o.addOption(Option.builder("a").longOpt("annotate")
                .desc("comment every rule (nftables: every set element) with the policy line it came from").get());
        o.addOption(Option.builder("l").longOpt("layout").hasArg().argName("LAYOUT")
                .desc("iptables targets: 'docker' (Docker's chains) or 'owned' (netpolc's chains only, one jump from"
                        + " each built-in chain); overrides the policy's 'layout' setting").get());
        o.addOption(Option.builder().longOpt("allow-empty")
                .desc("compile a policy that declares nothing (its firewall output flushes the tables)").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        if (line.getArgList().size() != 1) {
            throw new UsageException("compile: expected one POLICY file (or - for standard input), got "
                    + line.getArgList().size());
        }
        String targetName = line.getOptionValue("target", Backends.defaultBackend().name());
        Backend backend = Backends.byName(targetName).orElse(null);
        if (backend == null) {
            throw new UsageException("compile: unknown target '" + targetName + "'; targets are: "
                    + Backends.all().stream().map(Backend::name).collect(Collectors.joining(", ")));
        }
        Layout layout = null;
        if (line.hasOption("layout")) {
            layout = Layout.of(line.getOptionValue("layout"));
            if (layout == null) {
                throw new UsageException("compile: unknown layout '" + line.getOptionValue("layout")
                        + "'; layouts are: docker, owned");
            }
        }
        String argument = line.getArgList().get(0);
        Output output = Output.of(line.getOptionValue("output"), io);
        output.refuseInputs(name(), argument, List.of(), io);
        PolicyInput.Loaded loaded = PolicyInput.load(argument, io);
        if (loaded.policy() == null) {
            return loaded.exitCode();
        }
        output.refuseInputs(name(), argument, loaded.paths(), io);
        Policy policy = loaded.policy();
        if (!line.hasOption("allow-empty") && PolicyInput.declaresNothing(policy)) {
            io.err().println("netpolc: " + PolicyInput.display(argument) + " declares nothing; refusing to print a"
                    + " ruleset that would flush the tables (--allow-empty compiles it anyway)");
            return ExitCode.POLICY_ERRORS;
        }
        String node = line.getOptionValue("node");
        if (node != null && policy.node(node).isEmpty()) {
            throw new UsageException("compile: " + unknownNode(node, policy));
        }
        if (backend.perNode() && node == null && !policy.nodes().isEmpty()) {
            Node first = policy.nodes().get(0);
            io.err().println(first.span() + ": error: target '" + backend.name() + "' builds one host, but the policy"
                    + " declares nodes: " + policy.nodes().stream().map(Node::name).collect(Collectors.joining(", ")));
            io.err().println("help: choose the host with --node, for example: netpolc compile -t " + backend.name()
                    + " --node " + first.name() + " " + (argument.equals("-") ? "-" : argument));
            io.err().println("netpolc: nothing was written");
            return ExitCode.USAGE;
        }
        String text = backend.render(policy, new RenderOptions(line.hasOption("annotate"), node, layout));
        return output.write(text, io);
    }

    /** Why --node is wrong: the policy has no nodes, or none of that name (with the closest). */
    static String unknownNode(String node, Policy policy) {
        if (policy.nodes().isEmpty()) {
            return "--node " + node + ": the policy declares no nodes";
        }
        List<String> names = policy.nodes().stream().map(Node::name).toList();
        String hint = Suggest.closest(node, names).map(n -> "; did you mean '" + n + "'?").orElse("");
        return "unknown node '" + node + "'" + hint + " (nodes: " + String.join(", ", names) + ")";
    }
}
