package dev.netpolc.compiler.resolve;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpText;
import java.math.BigInteger;

/**
 * A parsed address, or a subnet when it has a prefix length: the family and the value as an
 * integer. netpolc's own type rather than the ipaddress library's: the library's initialisation
 * alone took longer than the rest of compiling a small policy, and parsing 2,000 IPv6 subnets with
 * it cost more than 100 ms (docs/performance.md). The text forms are few and fixed (RFC 4291 to
 * read, RFC 5952 to print: {@link dev.netpolc.ir.IpText}); {@code AddressesLibraryTest} checks both against the library.
 */
final class Ip {

    private static final BigInteger IPV4_MAX = BigInteger.valueOf(0xffffffffL);
    private static final BigInteger IPV6_LOOPBACK = BigInteger.ONE;

    private final Family family;
    private final BigInteger value;
    private final Integer prefix;

    Ip(Family family, BigInteger value, Integer prefix) {
        this.family = family;
        this.value = value;
        this.prefix = prefix;
    }

    Family family() {
        return family;
    }

    boolean isIPv4() {
        return family == Family.IPV4;
    }

    boolean isIPv6() {
        return family == Family.IPV6;
    }

    int getBitCount() {
        return family.bits();
    }

    BigInteger getValue() {
        return value;
    }

    /** The prefix length, or null for a plain address. */
    Integer getNetworkPrefixLength() {
        return prefix;
    }

    Ip withPrefixLength(int length) {
        return new Ip(family, value, length);
    }

    Ip withoutPrefixLength() {
        return prefix == null ? this : new Ip(family, value, null);
    }

    boolean isZero() {
        return value.signum() == 0;
    }

    /** The first address of the block the prefix length spans (the address itself without one). */
    BigInteger first() {
        if (prefix == null) {
            return value;
        }
        if (isIPv4()) {
            // IPv4 in a long: BigInteger's operations, cheap once compiled, are slow in the
            // interpreter that runs most of a small compile.
            return BigInteger.valueOf(value.longValue() & ~hostMask4());
        }
        return value.andNot(hostMask());
    }

    /** The last address of the block the prefix length spans (the address itself without one). */
    BigInteger last() {
        if (prefix == null) {
            return value;
        }
        if (isIPv4()) {
            return BigInteger.valueOf(value.longValue() | hostMask4());
        }
        return first().or(hostMask());
    }

    private long hostMask4() {
        return (1L << (32 - prefix)) - 1;
    }

    private BigInteger hostMask() {
        return BigInteger.ONE.shiftLeft(family.bits() - prefix).subtract(BigInteger.ONE);
    }

    boolean isLoopback() {
        return isIPv4() ? (value.longValue() >>> 24) == 127 : value.equals(IPV6_LOOPBACK);
    }

    boolean isMulticast() {
        return isIPv4() ? (value.longValue() >>> 28) == 0xe : firstGroup() >>> 8 == 0xff;
    }

    /** The all-ones address (255.255.255.255 for IPv4). */
    boolean isMax() {
        return isIPv4() ? value.equals(IPV4_MAX) : value.bitLength() == 128 && value.bitCount() == 128;
    }

    /** 169.254.0.0/16; for IPv6 fe80::/10 and multicast of link-local scope (ffx2::/16). */
    boolean isLinkLocal() {
        if (isIPv4()) {
            return (value.longValue() >>> 16) == 0xa9fe;
        }
        int g = firstGroup();
        return (g & 0xffc0) == 0xfe80 || (g & 0xff0f) == 0xff02;
    }

    private int firstGroup() {
        return value.shiftRight(112).intValue() & 0xffff;
    }

    /** The canonical text of the address (without prefix length): dotted quad, or RFC 5952 IPv6. */
    String text() {
        if (isIPv4()) {
            return IpText.v4(value.longValue());
        }
        return IpText.v6(value);
    }

    @Override
    public String toString() {
        return prefix == null ? text() : text() + "/" + prefix;
    }
}
