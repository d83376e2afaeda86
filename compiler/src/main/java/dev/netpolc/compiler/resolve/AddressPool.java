package dev.netpolc.compiler.resolve;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.SourceSpan;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out the addresses of one network and family in order, the way Docker's IPAM does on a
 * fresh daemon: from the ip-range (or else the subnet), skipping the subnet's network address, its
 * broadcast address (IPv4), the gateway and every static address. The cursor only moves forward,
 * so allocating n addresses costs O(n + statics), whatever the size of the subnet.
 */
final class AddressPool {

    private final Family family;
    private final BigInteger subnetFirst;
    private final BigInteger subnetLast;
    private final BigInteger rangeLast;
    private final BigInteger gateway;
    private final Map<BigInteger, SourceSpan> statics = new HashMap<>();
    private BigInteger next;

    AddressPool(Family family, BigInteger subnetFirst, BigInteger subnetLast, BigInteger rangeFirst,
            BigInteger rangeLast, BigInteger gateway) {
        this.family = family;
        this.subnetFirst = subnetFirst;
        this.subnetLast = subnetLast;
        this.rangeLast = rangeLast;
        this.gateway = gateway;
        this.next = rangeFirst;
    }

    Family family() {
        return family;
    }

    boolean inSubnet(BigInteger v) {
        return v.compareTo(subnetFirst) >= 0 && v.compareTo(subnetLast) <= 0;
    }

    /** What a static address may not be: "the gateway", "the network address", ..., or null. */
    String reservedRole(BigInteger v) {
        if (v.equals(gateway)) {
            return "the gateway";
        }
        if (v.equals(subnetFirst)) {
            return "the subnet's network address";
        }
        if (family == Family.IPV4 && v.equals(subnetLast)) {
            return "the subnet's broadcast address";
        }
        return null;
    }

    /** Records a static address; returns where it was first taken when it already was. */
    SourceSpan reserve(BigInteger v, SourceSpan where) {
        return statics.putIfAbsent(v, where);
    }

    /** The next free address, or null when the range is exhausted. */
    BigInteger allocate() {
        while (next.compareTo(rangeLast) <= 0) {
            BigInteger v = next;
            next = next.add(BigInteger.ONE);
            if (reservedRole(v) == null && !statics.containsKey(v)) {
                return v;
            }
        }
        return null;
    }
}
