package dev.netpolc.ir;

import java.util.Objects;

/**
 * The addressing of one family on a network: the subnet, the range container addresses are
 * allocated from (the subnet itself when no ip-range was given) and the gateway.
 */
public record Subnet(Cidr cidr, Cidr ipRange, IpAddr gateway, SourceSpan span) {

    public Subnet {
        Objects.requireNonNull(cidr);
        Objects.requireNonNull(ipRange);
        Objects.requireNonNull(gateway);
        Objects.requireNonNull(span);
    }

    public Family family() {
        return cidr.family();
    }
}
