package dev.netpolc.cli;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.Subnet;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc inspect}: the resolved model, like {@code docker network inspect}. */
final class InspectCommand implements Command {

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "show the resolved networks and containers: addresses, names, ports";
    }

    @Override
    public String synopsis() {
        return "inspect [--format text|json] POLICY [NAME...]";
    }

    @Override
    public String details() {
        return "Every address is allocated and every interface named, as the targets see them. NAME limits\n"
                + "the output to those networks and containers. The JSON schema is in docs/cli.md.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(OutputFormat.option("text", "json"));
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        String format = OutputFormat.of(line, "inspect", "text", "json");
        List<String> args = line.getArgList();
        if (args.isEmpty()) {
            throw new UsageException("inspect: expected a POLICY file (or - for standard input)");
        }
        PolicyInput.Loaded loaded = PolicyInput.load(args.get(0), io);
        if (loaded.policy() == null) {
            return loaded.exitCode();
        }
        Policy p = loaded.policy();
        Set<String> only = new LinkedHashSet<>(args.subList(1, args.size()));
        var unknown = ModelJson.unknown(p, only);
        if (!unknown.isEmpty()) {
            io.err().println("netpolc: no network or container named " + String.join(", ", unknown));
            return ExitCode.POLICY_ERRORS;
        }
        io.out().print(format.equals("json") ? ModelJson.render(p, only) : text(p, only));
        io.out().flush();
        return ExitCode.OK;
    }

    static String text(Policy p, Set<String> only) {
        StringBuilder b = new StringBuilder();
        for (Network n : p.networks()) {
            if (!only.isEmpty() && !only.contains(n.name())) {
                continue;
            }
            b.append("network ").append(n.name()).append("   (").append(n.span()).append(")\n");
            row(b, "driver", n.driver().keyword());
            if (n.bridgeName() != null) {
                row(b, "bridge", n.bridgeName() + (n.mtu() != null ? "  mtu " + n.mtu() : ""));
            }
            subnet(b, "ipv4", n.ipv4());
            subnet(b, "ipv6", n.ipv6());
            if (n.isBridge()) {
                row(b, "options", "icc " + onOff(n.icc()) + ", masquerade " + onOff(n.masquerade())
                        + (n.snatSource() != null ? " (snat to " + n.snatSource() + ")" : "") + ", internal " + onOff(n.internal())
                        + (n.hostBinding() != null ? ", host binding " + n.hostBinding() : ""));
            }
            if (n.macvlan() != null) {
                row(b, "macvlan", "parent " + n.macvlan().effectiveParent() + ", mode " + n.macvlan().mode());
            }
            if (n.overlay() != null) {
                row(b, "vxlan", "id " + n.overlay().vxlanId() + (n.overlay().underlay() != null ? ", underlay " + n.overlay().underlay() : "")
                        + (n.overlay().peers().isEmpty() ? "" : ", peers " + String.join(", ",
                                n.overlay().peers().stream().map(Object::toString).toList())));
            }
            List<String> members = new ArrayList<>();
            for (Container c : p.containers()) {
                for (Attachment a : c.attachments()) {
                    if (a.network().equals(n.name())) {
                        members.add(c.name() + (a.ipv4() != null ? " " + a.ipv4() : "") + (a.ipv6() != null ? " " + a.ipv6() : ""));
                    }
                }
            }
            row(b, "containers", members.isEmpty() ? "(none)" : String.join(", ", members));
            b.append('\n');
        }
        for (Container c : p.containers()) {
            if (!only.isEmpty() && !only.contains(c.name())) {
                continue;
            }
            b.append("container ").append(c.name()).append("   (").append(c.span()).append(")\n");
            row(b, "netns", c.netns());
            row(b, "gateway", c.gatewayNetwork() == null ? "(none)" : c.gatewayNetwork());
            for (Attachment a : c.attachments()) {
                String addrs = (a.ipv4() != null ? " " + a.ipv4() : "") + (a.ipv6() != null ? " " + a.ipv6() : "");
                row(b, a.interfaceName() == null ? "-" : a.interfaceName(), "network " + a.network() + addrs
                        + (a.mac() != null ? "  mac " + a.mac() : "") + (a.hostVeth() != null ? "  host " + a.hostVeth() : ""));
            }
            for (PublishedPort pp : c.published()) {
                String host = pp.hostAddress() == null ? (pp.family() == dev.netpolc.ir.Family.IPV4 ? "0.0.0.0" : "::")
                        : pp.hostAddress().text();
                row(b, "publish", new dev.netpolc.ir.IpAddr(pp.family(), host).withPort(pp.hostPort()) + " -> "
                        + pp.containerAddress().withPort(pp.containerPort()) + "/" + pp.protocol().keyword());
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static void subnet(StringBuilder b, String label, Subnet s) {
        if (s != null) {
            row(b, label, s.cidr() + (s.ipRange().equals(s.cidr()) ? "" : "  range " + s.ipRange()) + "  gateway " + s.gateway());
        }
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format("  %-11s %s%n", label, value));
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
