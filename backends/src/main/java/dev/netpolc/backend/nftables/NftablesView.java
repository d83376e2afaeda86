package dev.netpolc.backend.nftables;

import java.util.List;

/** The view-model an nftables ruleset is printed from; the template only prints it. */
public final class NftablesView {

    private NftablesView() {}

    /** A set or map: {@code kind} is "set" or "map"; {@code elements} is empty or already laid out. */
    public record SetView(String kind, String name, String type, String elements) {}

    /** A chain: {@code hook} is the "type ... hook ... priority ...; policy ...;" line of a base chain, or null. */
    public record ChainView(String name, String hook, List<String> rules) {}

    /** The table netpolc owns. */
    public record TableView(String family, String name, List<SetView> sets, List<ChainView> chains) {}
}
