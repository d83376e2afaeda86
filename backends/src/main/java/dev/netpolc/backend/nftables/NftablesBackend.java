package dev.netpolc.backend.nftables;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Nodes;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.backend.Templates;
import dev.netpolc.ir.Policy;
import java.util.Map;

/** One {@code inet} table for {@code nft -f}, replaced in one transaction, in the form {@code nft list table} prints. */
public final class NftablesBackend implements Backend {

    @Override
    public String name() {
        return "nftables";
    }

    @Override
    public String description() {
        return "nft -f ruleset: one inet table, IPv4 and IPv6, rules fixed, data in sets and maps";
    }

    /** The table as data, for tests and tools that inspect it. */
    public NftablesView.TableView table(Policy policy) {
        return new NftablesLayout(policy, false).build();
    }

    /**
     * The table as data, for the node {@code options.node()} (as {@link #render(Policy, RenderOptions)}
     * gives it), with set elements commented with their source when {@code options.annotate()}.
     */
    public NftablesView.TableView table(Policy policy, RenderOptions options) {
        return new NftablesLayout(Nodes.only(policy, options.node()), options.annotate()).build();
    }

    @Override
    public String render(Policy policy) {
        return render(policy, RenderOptions.DEFAULT);
    }

    @Override
    public String render(Policy policy, RenderOptions options) {
        return Templates.render("nftables.ftl", Map.of("table", table(policy, options)));
    }

    /** A host loads the rules of its own containers: in a policy with nodes, the CLI asks for {@code --node}. */
    @Override
    public boolean perNode() {
        return true;
    }
}
