package dev.netpolc.ir;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Arithmetic on address prefixes, for rules: containment, overlap and the smallest list of prefixes.
 *
 * <p>A prefix is taken as given by its network address (host bits zero), as the resolver makes
 * every one: two such prefixes are either nested or disjoint. Addresses are read from their text
 * into two 64-bit words (an IPv4 address in the low word), never through {@link java.net.InetAddress},
 * which turns an IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) into an IPv4 address: here it is
 * the IPv6 address it is written as, and only ever compared with IPv6 prefixes.
 */
public final class Cidrs {

    private Cidrs() {}

    /** A prefix as numbers: its family, first and last address (high and low 64 bits, unsigned). */
    static final class Block {
        final Cidr cidr;
        final int family;
        final int prefix;
        final long firstHi;
        final long firstLo;
        final long lastHi;
        final long lastLo;
        /** Its position in the list it was made from. */
        final int index;

        Block(Cidr cidr, int index) {
            this.cidr = cidr;
            this.index = index;
            IpAddr a = cidr.address();
            this.family = a.family().ordinal();
            this.prefix = cidr.prefix();
            int hostBits = a.family().bits() - prefix;
            if (a.family() == Family.IPV4) {
                long v = IpText.quad(a.text());
                if (v < 0) {
                    throw new IllegalArgumentException("not an IPv4 address: " + a.text());
                }
                firstHi = 0;
                firstLo = v;
                lastHi = 0;
                lastLo = v | ((1L << hostBits) - 1);
            } else {
                int[] g = IpText.groupsV6(a.text());
                if (g == null) {
                    throw new IllegalArgumentException("not an IPv6 address: " + a.text());
                }
                long hi = 0;
                long lo = 0;
                for (int i = 0; i < 4; i++) {
                    hi = hi << 16 | g[i];
                    lo = lo << 16 | g[i + 4];
                }
                firstHi = hi;
                firstLo = lo;
                long maskLo = hostBits >= 64 ? -1L : (1L << hostBits) - 1;
                long maskHi = hostBits <= 64 ? 0 : hostBits == 128 ? -1L : (1L << (hostBits - 64)) - 1;
                lastHi = hi | maskHi;
                lastLo = lo | maskLo;
            }
        }

        /** Whether this prefix holds every address of {@code o}. */
        boolean contains(Block o) {
            return family == o.family && prefix <= o.prefix && compare(firstHi, firstLo, o.firstHi, o.firstLo) <= 0
                    && compare(lastHi, lastLo, o.lastHi, o.lastLo) >= 0;
        }

        /** Whether the two prefixes share an address. */
        boolean overlaps(Block o) {
            return family == o.family && compare(firstHi, firstLo, o.lastHi, o.lastLo) <= 0
                    && compare(o.firstHi, o.firstLo, lastHi, lastLo) <= 0;
        }
    }

    /** Unsigned comparison of two 128-bit numbers. */
    static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /**
     * Family, then first address, then the wider prefix first (so a prefix comes after every
     * prefix that holds it), then the position in the list: a total order, so sorting is
     * deterministic. A class of its own rather than a lambda, which would be linked at run time on
     * every compile (docs/performance.md).
     */
    static final Comparator<Block> BY_START = new Comparator<Block>() {
        @Override
        public int compare(Block a, Block b) {
            if (a.family != b.family) {
                return Integer.compare(a.family, b.family);
            }
            int c = Cidrs.compare(a.firstHi, a.firstLo, b.firstHi, b.firstLo);
            if (c != 0) {
                return c;
            }
            return a.prefix != b.prefix ? Integer.compare(a.prefix, b.prefix) : Integer.compare(a.index, b.index);
        }
    };

    private static BigInteger unsigned(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return new BigInteger(1, b);
    }

    /** The address as an unsigned integer (an IPv4-mapped IPv6 address as the 128-bit number it is). */
    public static BigInteger value(IpAddr a) {
        return first(new Cidr(a, a.family().bits()));
    }

    /** The first address of the prefix. */
    public static BigInteger first(Cidr c) {
        Block b = new Block(c, 0);
        return b.family == 0 ? BigInteger.valueOf(b.firstLo) : unsigned(b.firstHi, b.firstLo);
    }

    /** The last address of the prefix. */
    public static BigInteger last(Cidr c) {
        Block b = new Block(c, 0);
        return b.family == 0 ? BigInteger.valueOf(b.lastLo) : unsigned(b.lastHi, b.lastLo);
    }

    /** Whether {@code outer} holds every address of {@code inner}. */
    public static boolean contains(Cidr outer, Cidr inner) {
        return outer.family() == inner.family() && outer.prefix() <= inner.prefix()
                && new Block(outer, 0).contains(new Block(inner, 1));
    }

    /** Whether the address lies in the prefix. */
    public static boolean contains(Cidr outer, IpAddr a) {
        return contains(outer, new Cidr(a, a.family().bits()));
    }

    /** Whether two prefixes share an address (prefixes are either nested or disjoint). */
    public static boolean overlap(Cidr a, Cidr b) {
        return a.family() == b.family() && new Block(a, 0).overlaps(new Block(b, 1));
    }

    /**
     * The prefixes without repeats and without any prefix another one holds, in first-mention
     * order: the same addresses, each matched once (an nftables interval set refuses overlapping
     * elements; a logging rule would log twice).
     *
     * <p>In O(n log n): the prefixes sorted by first address, wider first, each is held by an
     * earlier one exactly when the furthest last address seen so far in its family reaches its own
     * last address (the earlier prefix that reaches it starts no later, so holds it).
     */
    public static List<Cidr> normalize(List<Cidr> cidrs) {
        int n = cidrs.size();
        if (n < 2) {
            return new ArrayList<>(cidrs);
        }
        Set<Cidr> seen = new HashSet<>(n * 2);
        List<Block> distinct = new ArrayList<>(n);
        for (Cidr c : cidrs) {
            if (seen.add(c)) {
                distinct.add(new Block(c, distinct.size()));
            }
        }
        boolean[] held = heldByAnother(distinct);
        List<Cidr> out = new ArrayList<>(distinct.size());
        for (Block b : distinct) {
            if (!held[b.index]) {
                out.add(b.cidr);
            }
        }
        return out;
    }

    /** For each block (by its index), whether another block of the list holds it; of equal blocks the first is kept. */
    static boolean[] heldByAnother(List<Block> blocks) {
        Block[] sorted = blocks.toArray(new Block[0]);
        Arrays.sort(sorted, BY_START);
        boolean[] held = new boolean[sorted.length];
        Block reach = null;
        for (Block b : sorted) {
            if (reach != null && reach.family == b.family && compare(reach.lastHi, reach.lastLo, b.lastHi, b.lastLo) >= 0) {
                held[b.index] = true;
            } else {
                reach = b;
            }
        }
        return held;
    }
}
