package dev.netpolc.compiler.resolve;

import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Address arithmetic on top of the ipaddress library: strict parsing (dotted quads without
 * leading zeros, as Docker's parser demands; RFC 4291 IPv6), values as integers, canonical text.
 */
final class Addresses {

    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final IPAddressStringParameters STRICT = new IPAddressStringParameters.Builder()
            .allowEmpty(false)
            .allowAll(false)
            .allowSingleSegment(false)
            .allowMask(false)
            .allowWildcardedSeparator(false)
            .getIPv4AddressParametersBuilder().allowLeadingZeros(false).allow_inet_aton(false)
                    .allowWildcardedSeparator(false).allowBinary(false).getParentBuilder()
            .getIPv6AddressParametersBuilder().allowZone(false).allowWildcardedSeparator(false)
                    .allowBinary(false).getParentBuilder()
            .toParams();

    private Addresses() {}

    /** A parsed address, or the reason it is not one. */
    record Parsed(IPAddress address, String error, boolean hostBits) {
        Parsed(IPAddress address, String error) {
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
        if (!prefix.matches("0|[1-9][0-9]{0,2}")) {
            return new Parsed(null, "'" + Names.printable(prefix) + "' is not a prefix length");
        }
        Parsed a = parse(text.substring(0, slash));
        if (!a.ok()) {
            return a;
        }
        int len = Integer.parseInt(prefix);
        if (len > a.address.getBitCount()) {
            return new Parsed(null, "prefix length /" + len + " is longer than the " + a.address.getBitCount()
                    + " bits of an " + (a.address.isIPv4() ? "IPv4" : "IPv6") + " address");
        }
        IPAddress prefixed = a.address.setPrefixLength(len, false);
        boolean hostBits = !a.address.getValue().equals(prefixed.toPrefixBlock().getLower().getValue());
        return new Parsed(prefixed, null, hostBits);
    }

    private static Parsed parse(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        boolean v6 = text.contains(":") && IPV6.matcher(text).matches();
        if (!v4 && !v6) {
            return new Parsed(null, "'" + Names.printable(text) + "' is not an IPv4 or IPv6 address");
        }
        if (v4) {
            for (String part : text.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return new Parsed(null, "'" + part + "' is not an octet (0-255) in '" + text + "'");
                }
            }
        }
        IPAddress a = new IPAddressString(text, STRICT).getAddress();
        if (a == null) {
            return new Parsed(null, "'" + Names.printable(text) + "' is not an IPv4 or IPv6 address");
        }
        return new Parsed(a.withoutPrefixLength(), null);
    }

    static Family family(IPAddress a) {
        return a.isIPv4() ? Family.IPV4 : Family.IPV6;
    }

    static BigInteger value(IPAddress a) {
        return a.getValue();
    }

    /** The subnet's first (network) address as an integer. */
    static BigInteger first(IPAddress cidr) {
        return cidr.toPrefixBlock().getLower().getValue();
    }

    /** The subnet's last address as an integer. */
    static BigInteger last(IPAddress cidr) {
        return cidr.toPrefixBlock().getUpper().getValue();
    }

    static IPAddress fromValue(Family family, BigInteger v) {
        if (family == Family.IPV4) {
            return new IPv4Address(v.intValue());
        }
        return new IPv6Address(v);
    }

    static IpAddr ir(IPAddress a) {
        IPAddress plain = a.withoutPrefixLength();
        return new IpAddr(family(plain), plain.toCanonicalString());
    }

    static IpAddr ir(Family family, BigInteger v) {
        if (family == Family.IPV4) {
            // Dotted quad straight from the value: this runs for every allocated address, and the
            // general path through IPAddress costs several objects and string caches per address.
            long x = v.longValue();
            return new IpAddr(Family.IPV4, ((x >>> 24) & 255) + "." + ((x >>> 16) & 255) + "." + ((x >>> 8) & 255) + "." + (x & 255));
        }
        return ir(fromValue(family, v));
    }

    static Cidr irCidr(IPAddress cidr) {
        IPAddress block = cidr.toPrefixBlock();
        return new Cidr(ir(block.getLower()), cidr.getNetworkPrefixLength());
    }

    /** The CIDR with its host bits cleared, as text: the suggestion for {@code 192.168.1.5/24}. */
    static String networkOf(IPAddress cidr) {
        return ir(cidr.toPrefixBlock().getLower()).text() + "/" + cidr.getNetworkPrefixLength();
    }

    static int prefix(IPAddress cidr) {
        return cidr.getNetworkPrefixLength();
    }
}
