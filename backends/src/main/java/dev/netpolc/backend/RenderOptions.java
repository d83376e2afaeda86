package dev.netpolc.backend;

/**
 * How a backend renders. {@code annotate}: every generated rule (or, in nftables, every set
 * element) carries a comment naming the policy file, line and statement it came from. {@code node}:
 * for targets that build one host, the declared node to build, or null for a policy without nodes.
 */
public record RenderOptions(boolean annotate, String node) {

    public static final RenderOptions DEFAULT = new RenderOptions(false, null);

    public RenderOptions(boolean annotate) {
        this(annotate, null);
    }
}
