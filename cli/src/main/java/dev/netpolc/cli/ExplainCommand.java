package dev.netpolc.cli;

import dev.netpolc.cli.explain.ExplainException;
import dev.netpolc.cli.explain.Explainer;
import dev.netpolc.cli.explain.Trace;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc explain}: one packet through the compiled rules, and what decided its fate. */
final class ExplainCommand implements Command {

    @Override
    public String name() {
        return "explain";
    }

    @Override
    public String summary() {
        return "follow one packet through the compiled rules: verdict, deciding rule and policy line";
    }

    @Override
    public String synopsis() {
        return "explain --from ENDPOINT --to ENDPOINT [--port N/PROTO | --icmp] [-t TARGET] [--host-address ADDR]"
                + " [--node NODE]"
                + " [--format text|json] POLICY";
    }

    @Override
    public String details() {
        return "ENDPOINT is a container name, container:NAME, network:NAME (its first usable address), host,\n"
                + "external (a documentation address the policy does not use) or an IPv4 or IPv6 address. The packet is\n"
                + "the first of a connection (conntrack NEW); every table and chain it meets is printed with the rules\n"
                + "that matched, NAT, the verdict, the rule that decided and the policy line it came from. TARGET is\n"
                + "iptables, ip6tables or nftables (default: iptables or ip6tables by the family of the addresses,\n"
                + "IPv4 when none is written). A policy with nodes describes several hosts: --node names the one whose\n"
                + "rules the packet meets (as for compile). The exit code is 0 whatever the verdict. The packet model and its\n"
                + "limits are in docs/explain.md.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("from").hasArg().argName("ENDPOINT").desc("where the packet starts").get());
        o.addOption(Option.builder().longOpt("to").hasArg().argName("ENDPOINT").desc("where it is sent").get());
        o.addOption(Option.builder("p").longOpt("port").hasArg().argName("N/PROTO")
                .desc("destination port and protocol (tcp, udp, sctp); default 80/tcp").get());
        o.addOption(Option.builder().longOpt("icmp").desc("an ICMP echo request (ping) instead of a port").get());
        o.addOption(Option.builder("t").longOpt("target").hasArg().argName("TARGET").desc("iptables, ip6tables or nftables").get());
        o.addOption(Option.builder().longOpt("host-address").hasArg().argName("ADDR")
                .desc("the host's uplink address (for 'host', published ports and masquerade)").get());
        o.addOption(Option.builder("n").longOpt("node").hasArg().argName("NODE")
                .desc("the host whose rules are followed, required in a policy with nodes").get());
        o.addOption(OutputFormat.option("text", "json"));
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        String format = OutputFormat.of(line, "explain", "text", "json");
        if (line.getArgList().size() != 1) {
            throw new UsageException("explain: expected one POLICY file (or - for standard input), got " + line.getArgList().size());
        }
        String from = line.getOptionValue("from");
        String to = line.getOptionValue("to");
        if (from == null || to == null) {
            throw new UsageException("explain: --from ENDPOINT and --to ENDPOINT are both required");
        }
        if (line.hasOption("icmp") && line.hasOption("port")) {
            throw new UsageException("explain: --port and --icmp exclude each other");
        }
        String protocol = "icmp";
        int port = 0;
        if (!line.hasOption("icmp")) {
            String spec = line.getOptionValue("port", "80/tcp");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,5})(?:/(tcp|udp|sctp))?").matcher(spec);
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw new UsageException("explain: --port '" + spec + "' is not N/PROTO with N in 1-65535 and PROTO tcp, udp or sctp"
                        + " (for example 443/tcp)");
            }
            port = Integer.parseInt(m.group(1));
            protocol = m.group(2) == null ? "tcp" : m.group(2);
        }
        String target = line.getOptionValue("target");
        PolicyInput.Loaded loaded = PolicyInput.load(line.getArgList().get(0), io);
        if (loaded.policy() == null) {
            return loaded.exitCode();
        }
        dev.netpolc.ir.Policy policy = loaded.policy();
        String node = line.getOptionValue("node");
        if (node != null && policy.node(node).isEmpty()) {
            throw new UsageException("explain: " + CompileCommand.unknownNode(node, policy));
        }
        if (node == null && !policy.nodes().isEmpty()) {
            dev.netpolc.ir.Node first = policy.nodes().get(0);
            String argument = line.getArgList().get(0);
            io.err().println(first.span() + ": error: explain follows the rules of one host, but the policy declares nodes: "
                    + policy.nodes().stream().map(dev.netpolc.ir.Node::name).collect(java.util.stream.Collectors.joining(", ")));
            io.err().println("help: choose the host with --node, for example: netpolc explain --from " + from + " --to " + to
                    + " --node " + first.name() + " " + argument);
            return ExitCode.USAGE;
        }
        Trace trace;
        try {
            trace = Explainer.explain(policy,
                    new Explainer.Query(target, from, to, protocol, port, line.getOptionValue("host-address"), node));
        } catch (ExplainException e) {
            if (e.limitation()) {
                io.err().println("netpolc: explain: " + e.getMessage());
                return ExitCode.IO_OR_INTERNAL;
            }
            throw new UsageException("explain: " + e.getMessage());
        }
        io.out().print(format.equals("json") ? trace.json() : trace.text());
        io.out().flush();
        return ExitCode.OK;
    }
}
