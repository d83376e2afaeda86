package dev.netpolc.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of prefixes made ready for questions about many other prefixes: whether one of them
 * holds a prefix, whether one of them shares an address with it. Built in O(n log n), each answer
 * in O(log n), where asking every prefix of the list in turn took O(n) per question.
 *
 * <p>Only the widest prefixes are kept (those no other of the list holds): prefixes given by their
 * network address are nested or disjoint, so the widest are disjoint, and sorted by first address
 * the one that could hold or meet a given prefix is found by binary search. A prefix held by one of
 * the list is held by one of the widest, and one that meets one of the list meets one of the widest,
 * so the answers are those of {@link Cidrs#contains(Cidr, Cidr)} and {@link Cidrs#overlap} asked of
 * every member.
 */
public final class CidrIndex {

    /** The widest prefixes, sorted by family and first address; disjoint. */
    private final Cidrs.Block[] widest;

    private CidrIndex(Cidrs.Block[] widest) {
        this.widest = widest;
    }

    /** The index of a list of prefixes, of one family or both. */
    public static CidrIndex of(List<Cidr> cidrs) {
        List<Cidrs.Block> blocks = new ArrayList<>(cidrs.size());
        for (Cidr c : cidrs) {
            blocks.add(new Cidrs.Block(c, blocks.size()));
        }
        boolean[] held = Cidrs.heldByAnother(blocks);
        List<Cidrs.Block> kept = new ArrayList<>(blocks.size());
        for (Cidrs.Block b : blocks) {
            if (!held[b.index]) {
                kept.add(b);
            }
        }
        Cidrs.Block[] widest = kept.toArray(new Cidrs.Block[0]);
        java.util.Arrays.sort(widest, Cidrs.BY_START);
        return new CidrIndex(widest);
    }

    /** Whether the list is empty. */
    public boolean isEmpty() {
        return widest.length == 0;
    }

    /** Whether some prefix of the list holds every address of {@code c}. */
    public boolean holds(Cidr c) {
        Cidrs.Block b = new Cidrs.Block(c, 0);
        int i = lastStartingAtOrBefore(b.family, b.firstHi, b.firstLo);
        return i >= 0 && widest[i].contains(b);
    }

    /** Whether some prefix of the list shares an address with {@code c}. */
    public boolean meets(Cidr c) {
        Cidrs.Block b = new Cidrs.Block(c, 0);
        int i = lastStartingAtOrBefore(b.family, b.lastHi, b.lastLo);
        return i >= 0 && widest[i].overlaps(b);
    }

    /** The prefix of the list that holds {@code c}, or null; the widest such prefix when several do. */
    public Cidr holder(Cidr c) {
        Cidrs.Block b = new Cidrs.Block(c, 0);
        int i = lastStartingAtOrBefore(b.family, b.firstHi, b.firstLo);
        return i >= 0 && widest[i].contains(b) ? widest[i].cidr : null;
    }

    /** The position of the last widest prefix of the family that starts at or before the address, or -1. */
    private int lastStartingAtOrBefore(int family, long hi, long lo) {
        int low = 0;
        int high = widest.length - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Cidrs.Block m = widest[mid];
            int c = m.family != family ? Integer.compare(m.family, family) : Cidrs.compare(m.firstHi, m.firstLo, hi, lo);
            if (c <= 0) {
                found = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found >= 0 && widest[found].family == family ? found : -1;
    }
}
