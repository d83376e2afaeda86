package dev.netpolc.cli;

import dev.netpolc.cli.apply.Apply;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code netpolc apply} and {@code netpolc status}: the command-line side only; the work is in
 * {@link dev.netpolc.cli.apply.Apply}.
 */
final class ApplyCommand implements Command {

    private final boolean status;

    private ApplyCommand(boolean status) {
        this.status = status;
    }

    static ApplyCommand apply() {
        return new ApplyCommand(false);
    }

    static ApplyCommand status() {
        return new ApplyCommand(true);
    }

    @Override
    public String name() {
        return status ? "status" : "apply";
    }

    @Override
    public String summary() {
        return status ? "say whether a host still holds what apply applied (exit 0 in sync, 1 drifted)"
                : "apply a policy to a host (or a network namespace) as one transaction; --down removes it";
    }

    @Override
    public String synopsis() {
        return status ? "status [--netns NAME] [--node NODE] [--backend iptables|nftables] [--firewall-only] POLICY"
                : "apply [--backend iptables|nftables] [--layout docker|owned] [--netns NAME] [--node NODE] [--dry-run]"
                        + " [--firewall-only] [--confirm SECONDS] [--allow-empty] POLICY | apply --down [POLICY]"
                        + " | apply --confirmed";
    }

    @Override
    public String details() {
        return status
                ? "Compares the firewall, links and sysctls of the namespace with what applying POLICY gives, and\n"
                        + "the policy with the one recorded at the last apply. Prints what differs. See docs/apply.md.\n"
                : "Snapshots the firewall, loads netpolc's chains (or nftables table) in one iptables-restore per\n"
                        + "address family (one nft -f), reads them back and compares, then builds the links; any failure\n"
                        + "restores the snapshot. Rules, chains, tables and links netpolc did not create are left as\n"
                        + "they are. The plan is printed first (on standard output with --dry-run, which changes\n"
                        + "nothing; on standard error otherwise). Exit codes: 0 applied, 1 policy errors (or a policy\n"
                        + "that declares nothing, without --allow-empty), 2 usage, 3 failed (the firewall was\n"
                        + "restored). See docs/apply.md.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("b").longOpt("backend").hasArg().argName("FIREWALL")
                .desc("iptables or nftables (default: the one the last apply to this namespace recorded, else iptables)").get());
        o.addOption(Option.builder("N").longOpt("netns").hasArg().argName("NAME")
                .desc("work in network namespace NAME (/run/netns/NAME) instead of this host's").get());
        o.addOption(Option.builder("P").longOpt("netns-prefix").hasArg().argName("PREFIX")
                .desc("the prefix of container namespace names (default: NAME- with --netns, else none)").get());
        o.addOption(Option.builder().longOpt("node").hasArg().argName("NODE")
                .desc("the node of a policy with nodes that this host is (as compile --node)").get());
        o.addOption(Option.builder().longOpt("firewall-only")
                .desc("the firewall alone: no links, no sysctls (for a host whose links Docker still builds)").get());
        o.addOption(Option.builder().longOpt("state-dir").hasArg().argName("DIR")
                .desc("where the record and lock live (default $NETPOLC_STATE_DIR or /var/lib/netpolc)").get());
        if (!status) {
            o.addOption(Option.builder("l").longOpt("layout").hasArg().argName("LAYOUT")
                    .desc("iptables: docker or owned, instead of the policy's 'layout' setting").get());
            o.addOption(Option.builder().longOpt("dry-run").desc("print the plan and change nothing").get());
            o.addOption(Option.builder().longOpt("confirm").hasArg().argName("SECONDS")
                    .desc("roll back unless 'apply --confirmed' (or 'yes' on standard input) comes in time").get());
            o.addOption(Option.builder("C").longOpt("confirmed").desc("confirm a waiting 'apply --confirm'").get());
            o.addOption(Option.builder().longOpt("down").desc("remove everything netpolc applied").get());
            o.addOption(Option.builder().longOpt("allow-empty")
                    .desc("apply a policy that declares nothing (it removes every rule netpolc applied)").get());
        }
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        String me = name();
        Apply.Firewall firewall = null;
        if (line.hasOption("backend")) {
            String b = line.getOptionValue("backend");
            if (b.equals("iptables")) {
                firewall = Apply.Firewall.IPTABLES;
            } else if (b.equals("nftables")) {
                firewall = Apply.Firewall.NFTABLES;
            } else {
                throw new UsageException(me + ": unknown backend '" + b + "'; backends are: iptables, nftables");
            }
        }
        Layout layout = null;
        if (line.hasOption("layout")) {
            layout = Layout.of(line.getOptionValue("layout"));
            if (layout == null) {
                throw new UsageException(me + ": unknown layout '" + line.getOptionValue("layout")
                        + "'; layouts are: docker, owned");
            }
        }
        Integer confirm = null;
        if (line.hasOption("confirm")) {
            try {
                confirm = Integer.parseInt(line.getOptionValue("confirm"));
            } catch (NumberFormatException e) {
                confirm = -1;
            }
            if (confirm < 1 || confirm > 86400) {
                throw new UsageException(me + ": --confirm takes a number of seconds from 1 to 86400, not '"
                        + line.getOptionValue("confirm") + "'");
            }
        }
        String stateDir = line.getOptionValue("state-dir", System.getenv().getOrDefault("NETPOLC_STATE_DIR",
                "/var/lib/netpolc"));
        Path state = io.cwd().resolve(stateDir);
        boolean down = line.hasOption("down");
        boolean confirmed = line.hasOption("confirmed");
        int policies = line.getArgList().size();
        if (down && (confirm != null || confirmed)) {
            throw new UsageException(me + ": --down takes neither --confirm nor --confirmed");
        }
        if (confirmed && (policies != 0 || line.hasOption("dry-run") || confirm != null)) {
            throw new UsageException(me + ": --confirmed takes no POLICY and no other option than --netns, --state-dir");
        }
        if (policies > 1 || policies == 0 && !down && !confirmed) {
            throw new UsageException(me + ": expected one POLICY file (or - for standard input), got " + policies);
        }
        String netns = line.getOptionValue("netns");
        if (confirmed) {
            return Apply.confirmed(new Apply.Options(null, null, null, null, netns, false, null, state, false,
                    line.getOptionValue("netns-prefix"), null), io.out(),
                    io.err());
        }
        Policy policy = null;
        String argument = policies == 1 ? line.getArgList().get(0) : null;
        if (argument != null) {
            PolicyInput.Loaded loaded = PolicyInput.load(argument, io);
            if (loaded.policy() == null) {
                return loaded.exitCode();
            }
            policy = loaded.policy();
            if (!status && !down && !line.hasOption("allow-empty") && PolicyInput.declaresNothing(policy)) {
                io.err().println("netpolc: " + PolicyInput.display(argument) + " declares nothing; refusing to apply a"
                        + " ruleset that would flush netpolc's tables (--allow-empty applies it anyway)");
                return ExitCode.POLICY_ERRORS;
            }
        }
        String node = line.getOptionValue("node");
        if (node != null && (policy == null || policy.node(node).isEmpty())) {
            throw new UsageException(me + ": " + (policy == null ? "--node " + node + " needs the POLICY"
                    : CompileCommand.unknownNode(node, policy)));
        }
        Apply.Options options = new Apply.Options(argument == null ? null : PolicyInput.display(argument), policy,
                firewall, layout, netns,
                line.hasOption("dry-run"), confirm, state, line.hasOption("firewall-only"),
                line.getOptionValue("netns-prefix"), node);
        if (status) {
            return Apply.status(options, io.out(), io.err());
        }
        if (down) {
            return Apply.down(options, io.out(), io.err());
        }
        return Apply.apply(options, io.in(), io.out(), io.err());
    }
}
