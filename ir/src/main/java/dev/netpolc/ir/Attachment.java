package dev.netpolc.ir;

import java.util.Objects;

/**
 * A container's interface on one network.
 *
 * @param interfaceName the name inside the container ({@code eth0}, {@code eth1}, ... in attach order),
 *                      or null on the host and none drivers, which give the container no interface
 * @param hostVeth      the host end of the veth pair, or null on drivers without one
 * @param ipv4          the allocated or static IPv4 address, or null where the network has none
 * @param ipv6          the IPv6 address, or null where the network has no IPv6 subnet
 * @param mac           the interface's MAC address, or null on drivers without one
 * @param staticIpv4    whether the IPv4 address was written in the policy rather than allocated
 * @param staticIpv6    whether the IPv6 address was written in the policy rather than allocated
 */
public record Attachment(
        String network,
        String interfaceName,
        String hostVeth,
        IpAddr ipv4,
        IpAddr ipv6,
        String mac,
        SourceSpan span,
        boolean staticIpv4,
        boolean staticIpv6) {

    public Attachment {
        Objects.requireNonNull(network);
        Objects.requireNonNull(span);
    }
}
