package dev.netpolc.ir;

import java.util.List;

/**
 * What an overlay network needs: the VXLAN id, the underlay device (null to let the kernel route
 * by peer address) and the peer hosts' underlay addresses.
 */
public record OverlayOptions(int vxlanId, String underlay, List<IpAddr> peers) {

    /** The IANA VXLAN port, which Docker uses. */
    public static final int VXLAN_PORT = 4789;

    public OverlayOptions {
        peers = List.copyOf(peers);
    }
}
