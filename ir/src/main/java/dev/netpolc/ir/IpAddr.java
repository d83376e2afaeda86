package dev.netpolc.ir;

import java.util.Objects;

/** An IP address in its canonical text form (dotted quad, or RFC 5952 for IPv6). */
public record IpAddr(Family family, String text) {

    public IpAddr {
        Objects.requireNonNull(family);
        Objects.requireNonNull(text);
    }

    /** The address as a single-host CIDR, as iptables-save prints it: {@code 10.0.0.2/32}. */
    public String hostCidr() {
        return text + "/" + family.bits();
    }

    /** The address in a {@code host:port} pair: IPv6 in brackets. */
    public String withPort(int port) {
        return (family == Family.IPV6 ? "[" + text + "]" : text) + ":" + port;
    }

    @Override
    public String toString() {
        return text;
    }
}
