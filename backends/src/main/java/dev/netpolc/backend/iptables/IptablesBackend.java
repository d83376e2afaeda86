package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Nodes;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.Policy;

/** iptables-restore (or ip6tables-restore) scripts in Docker's rule layout or the owned layout. */
public final class IptablesBackend implements Backend {

    private final Family family;

    public IptablesBackend(Family family) {
        this.family = family;
    }

    @Override
    public String name() {
        return family == Family.IPV4 ? "iptables" : "ip6tables";
    }

    @Override
    public String description() {
        return family == Family.IPV4 ? "iptables-restore script, IPv4 (Docker's or the owned layout)"
                : "ip6tables-restore script, networks with an IPv6 subnet";
    }

    /**
     * The rules as data, for tests and tools that inspect them: with {@code options.node()}, only
     * that node's (its containers' published ports; every network's bridge rules).
     */
    public Ruleset ruleset(Policy policy, RenderOptions options) {
        Layout layout = options.layout() != null ? options.layout() : policy.settings().layout();
        return new DockerLayout(Nodes.only(policy, options.node()), family, options.annotate(), layout).build();
    }

    /** A host loads the rules of its own containers: in a policy with nodes, the CLI asks for {@code --node}. */
    @Override
    public boolean perNode() {
        return true;
    }

    @Override
    public String render(Policy policy) {
        return render(policy, RenderOptions.DEFAULT);
    }

    @Override
    public String render(Policy policy, RenderOptions options) {
        // Printed by Ruleset, not through a template: the script has four kinds of line, and
        // setting FreeMarker up (configuration, template parsing, bean introspection) took more
        // than half of the run time of a small policy (docs/performance.md).
        return ruleset(policy, options).text();
    }
}
