package dev.netpolc.backend;

import dev.netpolc.ir.Layout;

/**
 * How a backend renders. {@code annotate}: every generated rule (or, in nftables, every set
 * element) carries a comment naming the policy file, line and statement it came from. {@code node}:
 * for targets that build one host, the declared node to build, or null for a policy without nodes.
 * {@code layout}: for the iptables targets, the layout to use instead of the policy's, or null to
 * keep the policy's.
 */
public record RenderOptions(boolean annotate, String node, Layout layout) {

    public static final RenderOptions DEFAULT = new RenderOptions(false, null, null);

    public RenderOptions(boolean annotate) {
        this(annotate, null, null);
    }

    public RenderOptions(boolean annotate, String node) {
        this(annotate, node, null);
    }
}
