package dev.netpolc.cli.explain;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.IpText;
import java.math.BigInteger;

/** Address arithmetic for the packet model: parsing literals, prefix membership, canonical text. */
final class Addresses {

    private Addresses() {}

    /** The address of a literal, or null when the text is not an IPv4 or IPv6 address literal. */
    static IpAddr parse(String text) {
        String t = text.strip();
        if (t.indexOf(':') >= 0) {
            BigInteger v = IpText.parseV6(t);
            return v == null ? null : new IpAddr(Family.IPV6, IpText.v6(v));
        }
        long q = IpText.quad(t);
        return q < 0 ? null : new IpAddr(Family.IPV4, IpText.v4(q));
    }

    static BigInteger value(IpAddr a) {
        BigInteger v = a.family() == Family.IPV6 ? IpText.parseV6(a.text()) : quadValue(a.text());
        if (v == null) {
            throw new IllegalArgumentException("not an address literal: " + a.text());
        }
        return v;
    }

    private static BigInteger quadValue(String text) {
        long q = IpText.quad(text);
        return q < 0 ? null : BigInteger.valueOf(q);
    }

    static IpAddr of(Family f, BigInteger v) {
        return new IpAddr(f, f == Family.IPV4 ? IpText.v4(v.longValue()) : IpText.v6(v));
    }

    /**
     * Whether {@code a} is in {@code cidr} ("10.0.0.0/8", "fd00::/64", or an address alone for a
     * single host); false across families.
     */
    static boolean in(IpAddr a, String cidr) {
        int slash = cidr.indexOf('/');
        IpAddr net = parse(slash < 0 ? cidr : cidr.substring(0, slash));
        if (net == null) {
            throw new IllegalArgumentException("not an address or prefix: " + cidr);
        }
        if (net.family() != a.family()) {
            return false;
        }
        int prefix = slash < 0 ? a.family().bits() : Integer.parseInt(cidr.substring(slash + 1));
        int shift = a.family().bits() - prefix;
        return value(a).shiftRight(shift).equals(value(net).shiftRight(shift));
    }
}
