package dev.netpolc.ir;

import java.util.Objects;

/**
 * What a macvlan network needs: the host interface it hangs off, the macvlan mode, and an
 * optional 802.1Q VLAN id (then the parent is the sub-interface {@code PARENT.VID}).
 */
public record MacvlanOptions(String parent, String mode, Integer vlan) {

    public MacvlanOptions {
        Objects.requireNonNull(parent);
        Objects.requireNonNull(mode);
    }

    /** The interface the macvlan devices are created on: {@code eth0} or {@code eth0.10}. */
    public String effectiveParent() {
        return vlan == null ? parent : parent + "." + vlan;
    }
}
