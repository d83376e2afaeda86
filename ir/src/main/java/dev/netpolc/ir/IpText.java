package dev.netpolc.ir;

import java.math.BigInteger;

/**
 * The text of addresses, read and written the one way netpolc knows: strict dotted quads (no
 * leading zeros, as Docker's parser demands), RFC 4291 IPv6 text in, RFC 5952 text out. Shared
 * by the compiler and the packet model of {@code explain}; {@code AddressesLibraryTest} checks it
 * against the ipaddress library.
 */
public final class IpText {

    private IpText() {}

    /** The dotted quad of a 32-bit value. */
    public static String v4(long x) {
        return ((x >>> 24) & 255) + "." + ((x >>> 16) & 255) + "." + ((x >>> 8) & 255) + "." + (x & 255);
    }

    /**
     * RFC 5952 text: lower-case hex groups without leading zeros, the longest run of two or more
     * zero groups (the first of equal runs) written as "::", and no dotted quad.
     */
    public static String v6(BigInteger v) {
        long hi = v.shiftRight(64).longValue();
        long lo = v.longValue();
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
        }
        int bestAt = -1;
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
                bestAt = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                b.append("::");
                i += bestLen - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    /**
     * Reads RFC 4291 text: eight groups of one to four hex digits separated by ':', one "::" for
     * one or more zero groups, and optionally a dotted quad (strict: no leading zeros) in place of
     * the last two groups. Null when the text is not such an address.
     */
    public static BigInteger parseV6(String s) {
        int[] full = groupsV6(s);
        if (full == null) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int k = 0; k < 8; k++) {
            bytes[2 * k] = (byte) (full[k] >> 8);
            bytes[2 * k + 1] = (byte) full[k];
        }
        return new BigInteger(1, bytes);
    }

    /**
     * The eight 16-bit groups of RFC 4291 text, as {@link #parseV6} reads it, or null. An
     * IPv4-mapped address ({@code ::ffff:1.2.3.4}) stays what it is written as: an IPv6 address.
     */
    public static int[] groupsV6(String s) {
        int len = s.length();
        int[] g = new int[8];
        int n = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (len == 0 || s.charAt(0) == ':') {
            return null;
        }
        while (i < len) {
            int j = s.indexOf(':', i);
            if (j < 0) {
                j = len;
            }
            // the group is s[i, j), read in place: no substring per group (a set of 100,000
            // IPv6 addresses is read twice, once to resolve it and once to normalise it)
            int dot = s.indexOf('.', i);
            if (dot >= 0 && dot < j) {
                long quad = j == len && n <= 6 ? quad(s.substring(i, j)) : -1;
                if (quad < 0) {
                    return null;
                }
                g[n++] = (int) (quad >>> 16);
                g[n++] = (int) (quad & 0xffff);
                break;
            }
            if (j == i || j - i > 4 || n == 8) {
                return null;
            }
            int group = 0;
            for (int k = i; k < j; k++) {
                int d = Character.digit(s.charAt(k), 16);
                if (d < 0) {
                    return null;
                }
                group = group << 4 | d;
            }
            g[n++] = group;
            if (j == len) {
                break;
            }
            if (j + 1 < len && s.charAt(j + 1) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = n;
                i = j + 2;
            } else if (j + 1 == len) {
                return null;
            } else {
                i = j + 1;
            }
        }
        if (gap < 0 ? n != 8 : n > 7) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = g;
        } else {
            System.arraycopy(g, 0, full, 0, gap);
            System.arraycopy(g, gap, full, 8 - (n - gap), n - gap);
        }
        return full;
    }

    /** A strict dotted quad (four decimal octets 0-255, no leading zeros) as a number, or -1. */
    public static long quad(String s) {
        long value = 0;
        int octets = 0;
        int i = 0;
        int len = s.length();
        while (i < len) {
            int j = i;
            int octet = 0;
            while (j < len && s.charAt(j) >= '0' && s.charAt(j) <= '9' && j - i < 3) {
                octet = octet * 10 + (s.charAt(j) - '0');
                j++;
            }
            if (j == i || (j - i > 1 && s.charAt(i) == '0') || octet > 255) {
                return -1;
            }
            value = value << 8 | octet;
            octets++;
            if (j == len) {
                break;
            }
            if (s.charAt(j) != '.' || octets == 4 || j + 1 == len) {
                return -1;
            }
            i = j + 1;
        }
        return octets == 4 ? value : -1;
    }
}
