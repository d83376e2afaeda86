package dev.netpolc.ir;

import java.util.Objects;
import java.util.Optional;

/**
 * A resolved network. Bridge networks have a bridge name and (as every addressed driver) an IPv4
 * subnet; {@code ipv6} is present when the policy gave an IPv6 subnet. Optional options are null
 * when they do not apply to the driver.
 *
 * @param mtu           the MTU of the bridge and its veths, or null for the kernel's default
 * @param snatSource    the fixed source address that replaces masquerade, or null
 * @param hostBinding   the default host address for published ports, or null for all addresses
 */
public record Network(
        String name,
        Driver driver,
        String bridgeName,
        Subnet ipv4,
        Subnet ipv6,
        Integer mtu,
        boolean icc,
        boolean masquerade,
        IpAddr snatSource,
        boolean internal,
        IpAddr hostBinding,
        MacvlanOptions macvlan,
        OverlayOptions overlay,
        SourceSpan span) {

    public Network {
        Objects.requireNonNull(name);
        Objects.requireNonNull(driver);
        Objects.requireNonNull(span);
        if (driver == Driver.BRIDGE && bridgeName == null) {
            throw new IllegalArgumentException("bridge network " + name + " has no bridge name");
        }
    }

    public boolean isBridge() {
        return driver == Driver.BRIDGE;
    }

    public Optional<Subnet> subnet(Family family) {
        return Optional.ofNullable(family == Family.IPV4 ? ipv4 : ipv6);
    }
}
