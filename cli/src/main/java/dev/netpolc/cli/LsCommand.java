package dev.netpolc.cli;

import dev.netpolc.ir.Container;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc ls}: one line per network, like {@code docker network ls}. */
final class LsCommand implements Command {

    @Override
    public String name() {
        return "ls";
    }

    @Override
    public String summary() {
        return "list the networks of a policy, one per line";
    }

    @Override
    public String synopsis() {
        return "ls POLICY";
    }

    @Override
    public String details() {
        return "Columns: name, driver, bridge, IPv4 subnet, IPv6 subnet, flags (internal, no-icc, no-masq), containers.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        if (line.getArgList().size() != 1) {
            throw new UsageException("ls: expected one POLICY file (or - for standard input)");
        }
        PolicyInput.Loaded loaded = PolicyInput.load(line.getArgList().get(0), io);
        if (loaded.policy() == null) {
            return loaded.exitCode();
        }
        io.out().print(table(loaded.policy()));
        io.out().flush();
        return ExitCode.OK;
    }

    static String table(Policy p) {
        String[][] rows = new String[p.networks().size() + 1][];
        rows[0] = new String[] {"NAME", "DRIVER", "BRIDGE", "IPV4", "IPV6", "FLAGS", "CONTAINERS"};
        int i = 1;
        for (Network n : p.networks()) {
            long count = p.containers().stream().filter((Container c) -> c.attachments().stream()
                    .anyMatch(a -> a.network().equals(n.name()))).count();
            String flags = (n.internal() ? "internal," : "") + (n.isBridge() && !n.icc() ? "no-icc," : "")
                    + (n.isBridge() && !n.internal() && !n.masquerade() ? "no-masq," : "")
                    + (n.snatSource() != null ? "snat," : "");
            rows[i++] = new String[] {n.name(), n.driver().keyword(), dash(n.bridgeName()),
                n.ipv4() == null ? "-" : n.ipv4().cidr().toString(), n.ipv6() == null ? "-" : n.ipv6().cidr().toString(),
                flags.isEmpty() ? "-" : flags.substring(0, flags.length() - 1), String.valueOf(count)};
        }
        int[] width = new int[rows[0].length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder l = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                l.append(c == r.length - 1 ? r[c] : String.format("%-" + (width[c] + 2) + "s", r[c]));
            }
            b.append(l.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
