package dev.netpolc.backend.iplink;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.RenderOptions;
import dev.netpolc.ir.Policy;
import java.util.function.UnaryOperator;

/**
 * POSIX sh scripts that build one host's links, addresses and routes with iproute2 (bridges, veth
 * pairs, network namespaces, macvlan, VLAN and VXLAN devices), and that tear them down again.
 */
public final class IplinkBackend implements Backend {

    /** Which script. */
    public enum Script {
        /** Builds everything, one {@code ip} command at a time. */
        SETUP("iplink", "sh script: links, addresses and routes (one ip command at a time)"),
        /** Removes what the setup created, and nothing else. */
        TEARDOWN("iplink-teardown", "sh script: removes what the iplink script created"),
        /** Builds everything with one {@code ip -batch} for the host's links. */
        BATCH("iplink-batch", "sh script: as iplink, the links created by one ip -batch");

        private final String target;
        private final String description;

        Script(String target, String description) {
            this.target = target;
            this.description = description;
        }
    }

    private final Script script;
    private final IplinkScripts scripts;

    public IplinkBackend(Script script) {
        this(script, IplinkScripts.PARALLEL_MIN_CONTAINERS);
    }

    /** A backend that prints the container sections with two threads from {@code parallelMinContainers} containers on (tests). */
    IplinkBackend(Script script, int parallelMinContainers) {
        this.script = script;
        this.scripts = new IplinkScripts(parallelMinContainers);
    }

    @Override
    public String name() {
        return script.target;
    }

    @Override
    public String description() {
        return script.description;
    }

    @Override
    public boolean perNode() {
        return true;
    }

    /** The plan the script is printed from, for tests and tools that inspect it. */
    public HostPlan plan(Policy policy, String node) {
        UnaryOperator<String> quote = script == Script.BATCH ? Shell::batchWord : Shell::quote;
        return HostPlan.of(policy, node, quote);
    }

    @Override
    public String render(Policy policy) {
        return render(policy, RenderOptions.DEFAULT);
    }

    /** The script for {@code options.node()} (null for a policy without nodes); annotation does not apply. */
    @Override
    public String render(Policy policy, RenderOptions options) {
        HostPlan plan = plan(policy, options.node());
        return switch (script) {
            case SETUP -> scripts.setup(plan);
            case TEARDOWN -> scripts.teardown(plan);
            case BATCH -> scripts.batch(plan);
        };
    }
}
