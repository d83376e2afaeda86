package dev.netpolc.ir;

import java.util.Objects;

/** A network prefix: its (network) address and prefix length. */
public record Cidr(IpAddr address, int prefix) {

    public Cidr {
        Objects.requireNonNull(address);
        if (prefix < 0 || prefix > address.family().bits()) {
            throw new IllegalArgumentException("prefix out of range: " + prefix);
        }
    }

    public Family family() {
        return address.family();
    }

    @Override
    public String toString() {
        return address.text() + "/" + prefix;
    }
}
