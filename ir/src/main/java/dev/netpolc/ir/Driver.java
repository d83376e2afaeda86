package dev.netpolc.ir;

import java.util.Locale;

/** A network driver, as Docker names them. */
public enum Driver {
    BRIDGE,
    HOST,
    MACVLAN,
    OVERLAY,
    NONE;

    /** The driver's name in a policy file. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether containers on this driver get addresses from a subnet. */
    public boolean hasAddressing() {
        return this == BRIDGE || this == MACVLAN || this == OVERLAY;
    }
}
