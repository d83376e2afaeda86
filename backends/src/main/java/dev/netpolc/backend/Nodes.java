package dev.netpolc.backend;

import dev.netpolc.ir.Policy;

/**
 * What one host of a multi-host policy must have. Every node has every network (its own bridges),
 * but only the containers that run on it: their veths, and their published ports in its firewall.
 */
public final class Nodes {

    private Nodes() {}

    /**
     * The policy as node {@code node} sees it: every network, only its own containers. For a null
     * node (a policy without nodes, or a caller that wants every node's containers at once) the
     * policy as it is.
     *
     * @throws IllegalArgumentException when the policy declares no node of that name
     */
    public static Policy only(Policy policy, String node) {
        if (node == null) {
            return policy;
        }
        if (policy.node(node).isEmpty()) {
            throw new IllegalArgumentException("no node '" + node + "' in the policy");
        }
        return new Policy(policy.files(), policy.settings(), policy.networks(),
                policy.containers().stream().filter(c -> node.equals(c.node())).toList(), policy.nodes());
    }
}
