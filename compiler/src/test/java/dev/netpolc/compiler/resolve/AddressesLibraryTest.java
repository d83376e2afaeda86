package dev.netpolc.compiler.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * netpolc's own IPv4 handling ({@link Ip}, {@link Addresses}) against the ipaddress library it
 * replaced on that path: the same values, blocks, text and classification for any address and
 * prefix length, and the same verdict on text that is not an address.
 */
class AddressesLibraryTest {

    private static String dotted(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    @Property(tries = 1000)
    void ipv4AddressesAgreeWithTheLibrary(@ForAll @LongRange(min = 0, max = 0xffffffffL) long v) {
        String text = dotted(v);
        Ip ours = Addresses.address(text).address();
        IPAddress lib = new IPAddressString(text).getAddress();
        assertEquals(lib.getValue(), ours.getValue());
        assertEquals(lib.toCanonicalString(), Addresses.ir(ours).text());
        assertEquals(lib.isLoopback(), ours.isLoopback(), text);
        assertEquals(lib.isMulticast(), ours.isMulticast(), text);
        assertEquals(lib.isMax(), ours.isMax(), text);
        assertEquals(lib.isZero(), ours.isZero(), text);
        assertEquals(text, Addresses.ir(dev.netpolc.ir.Family.IPV4, BigInteger.valueOf(v)).text());
    }

    @Property(tries = 1000)
    void ipv4BlocksAgreeWithTheLibrary(@ForAll @LongRange(min = 0, max = 0xffffffffL) long v,
            @ForAll @IntRange(min = 0, max = 32) int prefix) {
        String text = dotted(v) + "/" + prefix;
        Addresses.Parsed ours = Addresses.cidr(text);
        IPAddress lib = new IPAddressString(text).getAddress();
        IPAddress block = lib.toPrefixBlock();
        assertEquals(block.getLower().getValue(), Addresses.first(ours.address()), text);
        assertEquals(block.getUpper().getValue(), Addresses.last(ours.address()), text);
        assertEquals(!lib.getValue().equals(block.getLower().getValue()), ours.hostBits(), text);
        assertEquals(block.getLower().withoutPrefixLength().toCanonicalString() + "/" + prefix,
                Addresses.networkOf(ours.address()), text);
        assertEquals(block.getLower().withoutPrefixLength().toCanonicalString() + "/" + prefix,
                Addresses.irCidr(ours.address()).toString(), text);
    }

    @Property(tries = 300)
    void ipv6BlocksAgreeWithTheLibrary(@ForAll long high, @ForAll long low, @ForAll @IntRange(min = 0, max = 128) int prefix) {
        BigInteger v = BigInteger.valueOf(high).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)).shiftLeft(64)
                .or(BigInteger.valueOf(low).and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)));
        String text = new inet.ipaddr.ipv6.IPv6Address(v).toCanonicalString() + "/" + prefix;
        Addresses.Parsed ours = Addresses.cidr(text);
        IPAddress block = new IPAddressString(text).getAddress().toPrefixBlock();
        assertEquals(block.getLower().getValue(), Addresses.first(ours.address()), text);
        assertEquals(block.getUpper().getValue(), Addresses.last(ours.address()), text);
        assertEquals(block.getLower().withoutPrefixLength().toCanonicalString() + "/" + prefix,
                Addresses.networkOf(ours.address()), text);
    }

    @Test
    void notAddresses() {
        for (String bad : new String[] {"256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "", "a.b.c.d", "1..2.3", "1:2:3:4:5:6:7:8:9",
                "1::2::3", "fe80::1%eth0", "::ffff:1.2.3.256"}) {
            assertFalse(Addresses.address(bad).ok(), bad);
            assertNull(Addresses.address(bad).address(), bad);
        }
        assertTrue(Addresses.address("::ffff:10.0.0.1").ok());
        assertTrue(Addresses.address("::ffff:10.0.0.1").address().isIPv6());
        assertFalse(Addresses.cidr("10.0.0.0/33").ok());
        assertFalse(Addresses.cidr("10.0.0.0/024").ok());
        assertTrue(Addresses.cidr("10.0.0.1/24").hostBits());
    }
}
