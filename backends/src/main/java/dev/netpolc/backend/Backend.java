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

    /** The output with options; backends that support an option override this. */
    default String render(Policy policy, RenderOptions options) {
        return render(policy);
    }
}
