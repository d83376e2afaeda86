package dev.netpolc.cli.explain;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Address arithmetic for the packet model: parsing literals, prefix membership, canonical text. */
final class Addresses {

    private Addresses() {}

    /** The address of a literal, or null when the text is not an IPv4 or IPv6 address literal. */
    static IpAddr parse(String text) {
        String t = text.strip();
        boolean v6 = t.indexOf(':') >= 0;
        boolean v4 = t.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        if (!v4 && !(v6 && t.matches("[0-9A-Fa-f:.]+"))) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(t);
            if (a instanceof Inet4Address) {
                return v4 ? new IpAddr(Family.IPV4, a.getHostAddress()) : null;
            }
            return a instanceof Inet6Address ? new IpAddr(Family.IPV6, canonical6(a.getAddress())) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static BigInteger value(IpAddr a) {
        try {
            return new BigInteger(1, InetAddress.getByName(a.text()).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + a.text(), e);
        }
    }

    static IpAddr of(Family f, BigInteger v) {
        byte[] raw = v.toByteArray();
        int len = f.bits() / 8;
        byte[] b = new byte[len];
        for (int i = 0; i < len && i < raw.length; i++) {
            b[len - 1 - i] = raw[raw.length - 1 - i];
        }
        if (f == Family.IPV4) {
            return new IpAddr(f, (b[0] & 255) + "." + (b[1] & 255) + "." + (b[2] & 255) + "." + (b[3] & 255));
        }
        return new IpAddr(f, canonical6(b));
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

    /** RFC 5952 text: lower case, the longest run of two or more zero groups shortened to "::". */
    private static String canonical6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 255) << 8) | (b[2 * i + 1] & 255);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
