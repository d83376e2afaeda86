package dev.netpolc.ir;

import java.util.Locale;

/**
 * Where the iptables targets put netpolc's rules. {@code DOCKER}: exactly where Docker 18.03 to 27
 * puts them, rules in the built-in chains included, for a host where netpolc replaces Docker's
 * rule management. {@code OWNED}: every rule in a chain with the policy's chain prefix, each
 * built-in chain holding one jump to netpolc's chain for it, so that netpolc can share a host with
 * other firewall managers.
 */
public enum Layout {
    DOCKER,
    OWNED;

    /** The word that selects it in a policy and on the command line. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The layout a keyword names, or null. */
    public static Layout of(String keyword) {
        for (Layout l : values()) {
            if (l.keyword().equals(keyword)) {
                return l;
            }
        }
        return null;
    }
}
