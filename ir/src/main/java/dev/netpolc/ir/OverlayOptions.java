package dev.netpolc.ir;

import java.util.List;

/**
 * What an overlay network needs: the VXLAN id, the underlay device (null to let the kernel route
 * by peer address), the peer hosts' underlay addresses, and the name of the VXLAN device on the
 * host ({@code vxlan} and the id, unique among the host's interfaces).
 */
public record OverlayOptions(int vxlanId, String underlay, List<IpAddr> peers, String vxlanDevice) {

    /** The IANA VXLAN port, which Docker uses. */
    public static final int VXLAN_PORT = 4789;

    public OverlayOptions {
        peers = List.copyOf(peers);
    }

    /** Overlay options with the VXLAN device named after the id. */
    public OverlayOptions(int vxlanId, String underlay, List<IpAddr> peers) {
        this(vxlanId, underlay, peers, deviceName(vxlanId));
    }

    /** The VXLAN device netpolc creates for an id: {@code vxlan4096}; at most 13 bytes. */
    public static String deviceName(int vxlanId) {
        return "vxlan" + vxlanId;
    }
}
