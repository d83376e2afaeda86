package dev.netpolc.compiler.resolve;

import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.IpText;
import java.math.BigInteger;

/**
 * Address arithmetic: strict parsing (dotted quads without leading zeros, as Docker's parser
 * demands; RFC 4291 IPv6, see {@link IpText#parseV6}), values as integers, canonical text.
 */
final class Addresses {

    private Addresses() {}

    /** A parsed address, or the reason it is not one. */
    record Parsed(Ip address, String error, boolean hostBits) {
        Parsed(Ip address, String error) {
            this(address, error, false);
        }

        boolean ok() {
            return address != null;
        }
    }

    /** Parses a plain address (no prefix). */
    static Parsed address(String text) {
        if (text.contains("/")) {
            return new Parsed(null, "an address has no prefix length; remove '" + Names.printable(text.substring(text.indexOf('/'))) + "'");
        }
        return parse(text);
    }

    /** Parses {@code address/prefix}; the result carries the prefix length. */
    static Parsed cidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new Parsed(null, "a subnet needs a prefix length, such as /24");
        }
        String prefix = text.substring(slash + 1);
        if (decimal(prefix, 0, prefix.length()) < 0) {
            return new Parsed(null, "'" + Names.printable(prefix) + "' is not a prefix length");
        }
        Parsed a = parse(text.substring(0, slash));
        if (!a.ok()) {
            return a;
        }
        int len = decimal(prefix, 0, prefix.length());
        if (len > a.address.getBitCount()) {
            return new Parsed(null, "prefix length /" + len + " is longer than the " + a.address.getBitCount()
                    + " bits of an " + (a.address.isIPv4() ? "IPv4" : "IPv6") + " address");
        }
        Ip prefixed = a.address.withPrefixLength(len);
        boolean hostBits = !a.address.getValue().equals(prefixed.first());
        return new Parsed(prefixed, null, hostBits);
    }

    private static Parsed parse(String text) {
        long v4 = IpText.quad(text);
        if (v4 >= 0) {
            return new Parsed(new Ip(Family.IPV4, BigInteger.valueOf(v4), null), null);
        }
        if (text.indexOf(':') < 0 && java.util.regex.Pattern.matches(QUAD_FORM, text)) {
            // The form of a dotted quad with a number over 255 (compiled only for a wrong IPv4
            // address: an IPv6 address, with its colons, never gets here).
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return new Parsed(null, "'" + part + "' is not an octet (0-255) in '" + text + "'");
                }
            }
        }
        BigInteger v6value = text.indexOf(':') >= 0 && hexColonDot(text) ? IpText.parseV6(text) : null;
        if (v6value == null) {
            return new Parsed(null, "'" + Names.printable(text) + "' is not an IPv4 or IPv6 address");
        }
        return new Parsed(new Ip(Family.IPV6, v6value, null), null);
    }

    /** Four numbers of one to three digits without leading zeros, separated by dots. */
    private static final String QUAD_FORM = "(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}";

    /** A decimal number of one to three digits without a leading zero (0 itself is one), or -1. */
    private static int decimal(String s, int from, int to) {
        int len = to - from;
        if (len < 1 || len > 3 || (len > 1 && s.charAt(from) == '0')) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Only hex digits, ':' and '.', and at least one character. */
    private static boolean hexColonDot(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Names.isHexDigit(c) || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    static Family family(Ip a) {
        return a.family();
    }

    static BigInteger value(Ip a) {
        return a.getValue();
    }

    /** The subnet's first (network) address as an integer. */
    static BigInteger first(Ip cidr) {
        return cidr.first();
    }

    /** The subnet's last address as an integer. */
    static BigInteger last(Ip cidr) {
        return cidr.last();
    }

    static IpAddr ir(Ip a) {
        return new IpAddr(a.family(), a.text());
    }

    static IpAddr ir(Family family, BigInteger v) {
        return ir(new Ip(family, v, null));
    }

    static Cidr irCidr(Ip cidr) {
        return new Cidr(ir(cidr.family(), cidr.first()), cidr.getNetworkPrefixLength());
    }

    /** The CIDR with its host bits cleared, as text: the suggestion for {@code 192.168.1.5/24}. */
    static String networkOf(Ip cidr) {
        return ir(cidr.family(), cidr.first()).text() + "/" + cidr.getNetworkPrefixLength();
    }

    static int prefix(Ip cidr) {
        return cidr.getNetworkPrefixLength();
    }
}
