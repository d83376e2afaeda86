package dev.netpolc.compiler.resolve;

import dev.netpolc.ir.Family;
import java.math.BigInteger;

/**
 * A parsed address, or a subnet when it has a prefix length: the family and the value as an
 * integer. netpolc's own type rather than the ipaddress library's: the library's initialisation
 * alone took longer than the rest of compiling a small policy, and parsing 2,000 IPv6 subnets with
 * it cost more than 100 ms (docs/performance.md). The text forms are few and fixed (RFC 4291 to
 * read, RFC 5952 to print); {@code IpTest} checks both against the library on many addresses.
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
        return value.andNot(hostMask());
    }

    /** The last address of the block the prefix length spans (the address itself without one). */
    BigInteger last() {
        if (prefix == null) {
            return value;
        }
        return first().or(hostMask());
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
            long x = value.longValue();
            return ((x >>> 24) & 255) + "." + ((x >>> 16) & 255) + "." + ((x >>> 8) & 255) + "." + (x & 255);
        }
        return textV6(value);
    }

    /**
     * RFC 5952 text: lower-case hex groups without leading zeros, the longest run of two or more
     * zero groups (the first of equal runs) written as "::", and no dotted quad.
     */
    static String textV6(BigInteger v) {
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
    static BigInteger parseV6(String s) {
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
            String part = s.substring(i, j);
            if (part.indexOf('.') >= 0) {
                long quad = j == len && n <= 6 ? quad(part) : -1;
                if (quad < 0) {
                    return null;
                }
                g[n++] = (int) (quad >>> 16);
                g[n++] = (int) (quad & 0xffff);
                break;
            }
            if (part.isEmpty() || part.length() > 4 || n == 8) {
                return null;
            }
            int group = 0;
            for (int k = 0; k < part.length(); k++) {
                int d = Character.digit(part.charAt(k), 16);
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
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 4; k++) {
            hi = hi << 16 | full[k];
            lo = lo << 16 | full[k + 4];
        }
        BigInteger v = BigInteger.valueOf(hi >>> 1).shiftLeft(65).or(BigInteger.valueOf(hi & 1).shiftLeft(64));
        return v.or(BigInteger.valueOf(lo >>> 1).shiftLeft(1)).or(BigInteger.valueOf(lo & 1));
    }

    /** A strict dotted quad (four decimal octets 0-255, no leading zeros) as a number, or -1. */
    static long quad(String s) {
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

    @Override
    public String toString() {
        return prefix == null ? text() : text() + "/" + prefix;
    }
}
