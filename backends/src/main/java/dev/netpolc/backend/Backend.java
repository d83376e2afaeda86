package dev.netpolc.backend;

import dev.netpolc.ir.Policy;

/** A compilation target: renders a resolved policy into the text a host tool reads. */
public interface Backend {

    /** The name given to {@code -t}, such as {@code iptables}. */
    String name();

    /** One line that says what the output is and what reads it. */
    String description();

    /** The complete output for the policy, with {@code \n} line endings and a final newline. */
    String render(Policy policy);

    /**
     * Whether the output is for one host of a multi-host policy: such a target needs a node
     * ({@code --node}) when the policy declares nodes. Targets that are not per node ignore nodes.
     */
    default boolean perNode() {
        return false;
    }

    /** The output with options; backends that support an option override this. */
    default String render(Policy policy, RenderOptions options) {
        return render(policy);
    }
}
