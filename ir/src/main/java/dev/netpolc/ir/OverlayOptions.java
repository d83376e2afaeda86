package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/** What an overlay network needs: the VXLAN id, the underlay device and the peer hosts. */
public record OverlayOptions(int vxlanId, String underlay, List<IpAddr> peers) {

    /** The IANA VXLAN port, which Docker uses. */
    public static final int VXLAN_PORT = 4789;

    public OverlayOptions {
        Objects.requireNonNull(underlay);
        peers = List.copyOf(peers);
    }
}
