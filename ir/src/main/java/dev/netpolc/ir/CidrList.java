package dev.netpolc.ir;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An unmodifiable list of prefixes that also keeps each family's prefixes as a list of its own, so
 * {@link RuleEndpoint#cidrs(Family)} and {@link RuleEndpoint#covers(Family)} cost nothing however
 * many addresses an endpoint has (they filtered the whole list at every call, and lint and the
 * backends call them for every pair of rules).
 */
final class CidrList extends AbstractList<Cidr> implements RandomAccess {

    private final Cidr[] all;
    private final List<Cidr> v4;
    private final List<Cidr> v6;

    private CidrList(Cidr[] all) {
        this.all = all;
        List<Cidr> four = new ArrayList<>();
        List<Cidr> six = new ArrayList<>();
        for (Cidr c : all) {
            (c.family() == Family.IPV4 ? four : six).add(Objects.requireNonNull(c));
        }
        this.v4 = four.size() == all.length ? this : Collections.unmodifiableList(four);
        this.v6 = six.size() == all.length ? this : Collections.unmodifiableList(six);
    }

    static CidrList of(List<Cidr> cidrs) {
        return cidrs instanceof CidrList l ? l : new CidrList(cidrs.toArray(new Cidr[0]));
    }

    List<Cidr> family(Family f) {
        return f == Family.IPV4 ? v4 : v6;
    }

    @Override
    public Cidr get(int index) {
        return all[index];
    }

    @Override
    public int size() {
        return all.length;
    }
}
