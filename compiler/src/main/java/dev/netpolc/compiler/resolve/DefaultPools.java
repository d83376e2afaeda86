package dev.netpolc.compiler.resolve;

import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;

/**
 * Docker's default address pools, for networks declared without a subnet: local networks take
 * 172.17.0.0/16 ... 172.31.0.0/16 and then 192.168.0.0/16 in /20 steps; overlay networks take
 * 10.0.0.0/8 in /24 steps. A candidate that overlaps any subnet already taken is skipped. Each
 * pool keeps a cursor, so n allocations cost O(n log n) in all.
 */
final class DefaultPools {

    /** Subnets already taken (first address to last address), IPv4 only. */
    private final TreeMap<BigInteger, BigInteger> taken = new TreeMap<>();
    private int localCursor;
    private long globalCursor;

    private static final int LOCAL_16S = 15; // 172.17 .. 172.31
    private static final int LOCAL_20S = 16; // 192.168.0.0/20 .. 192.168.240.0/20
    private static final long GLOBAL_24S = 1L << 16; // 10.0.0.0/24 .. 10.255.255.0/24

    void take(BigInteger first, BigInteger last) {
        taken.put(first, last);
    }

    /** The next free local subnet as {@code a.b.c.d/len}, or null when the pool is used up. */
    String nextLocal() {
        while (localCursor < LOCAL_16S + LOCAL_20S) {
            int i = localCursor++;
            String cidr = i < LOCAL_16S ? "172." + (17 + i) + ".0.0/16" : "192.168." + ((i - LOCAL_16S) * 16) + ".0/20";
            if (claim(cidr)) {
                return cidr;
            }
        }
        return null;
    }

    /** The next free overlay subnet, or null when the pool is used up. */
    String nextGlobal() {
        while (globalCursor < GLOBAL_24S) {
            long i = globalCursor++;
            String cidr = "10." + (i >> 8) + "." + (i & 0xff) + ".0/24";
            if (claim(cidr)) {
                return cidr;
            }
        }
        return null;
    }

    private boolean claim(String cidr) {
        var parsed = Addresses.cidr(cidr).address();
        BigInteger first = Addresses.first(parsed);
        BigInteger last = Addresses.last(parsed);
        Map.Entry<BigInteger, BigInteger> below = taken.floorEntry(last);
        if (below != null && below.getValue().compareTo(first) >= 0) {
            return false;
        }
        taken.put(first, last);
        return true;
    }
}
