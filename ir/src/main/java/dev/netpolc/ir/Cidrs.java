package dev.netpolc.ir;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Arithmetic on address prefixes, for rules: containment, overlap and the smallest list of prefixes. */
public final class Cidrs {

    private Cidrs() {}

    /** The address as an unsigned integer. */
    public static BigInteger value(IpAddr a) {
        try {
            return new BigInteger(1, InetAddress.getByName(a.text()).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address literal: " + a.text(), e);
        }
    }

    /** The first address of the prefix. */
    public static BigInteger first(Cidr c) {
        return value(c.address());
    }

    /** The last address of the prefix. */
    public static BigInteger last(Cidr c) {
        int hostBits = c.family().bits() - c.prefix();
        return first(c).add(BigInteger.ONE.shiftLeft(hostBits)).subtract(BigInteger.ONE);
    }

    /** Whether {@code outer} holds every address of {@code inner}. */
    public static boolean contains(Cidr outer, Cidr inner) {
        return outer.family() == inner.family() && outer.prefix() <= inner.prefix()
                && first(outer).compareTo(first(inner)) <= 0 && last(outer).compareTo(last(inner)) >= 0;
    }

    /** Whether the address lies in the prefix. */
    public static boolean contains(Cidr outer, IpAddr a) {
        return contains(outer, new Cidr(a, a.family().bits()));
    }

    /** Whether two prefixes share an address (prefixes are either nested or disjoint). */
    public static boolean overlap(Cidr a, Cidr b) {
        return contains(a, b) || contains(b, a);
    }

    /**
     * The prefixes without repeats and without any prefix another one holds, in first-mention
     * order: the same addresses, each matched once (an nftables interval set refuses overlapping
     * elements; a logging rule would log twice).
     */
    public static List<Cidr> normalize(List<Cidr> cidrs) {
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < cidrs.size(); i++) {
            Cidr c = cidrs.get(i);
            boolean covered = false;
            for (int j = 0; j < cidrs.size() && !covered; j++) {
                Cidr o = cidrs.get(j);
                if (j != i && contains(o, c) && (!o.equals(c) || j < i)) {
                    covered = true;
                }
            }
            if (!covered) {
                out.add(c);
            }
        }
        return out;
    }
}
