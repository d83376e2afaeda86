package dev.netpolc.backend;

/**
 * How a backend renders. {@code annotate}: every generated rule (or, in nftables, every set
 * element) carries a comment naming the policy file, line and statement it came from.
 */
public record RenderOptions(boolean annotate) {

    public static final RenderOptions DEFAULT = new RenderOptions(false);
}
