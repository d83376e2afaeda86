package dev.netpolc.backend.nftables;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A named set or map of the netpolc table, with its elements in the order {@code nft list} prints
 * them. Every set has {@code flags interval}: nftables then stores single-type keys in a sorted
 * tree (listed in key order) and concatenations in a pipapo set (listed in insertion order), so
 * loading a file and listing the table gives the same text back; plain hash sets would list in
 * hash order.
 */
final class NftSet {

    /** How the key of an element compares in the kernel's sorted tree. */
    enum Order {
        /** Concatenated keys: listed as inserted. */
        INSERTION,
        /** Interface names: byte order, as the kernel compares the padded names. */
        NAME,
        /** Addresses and prefixes: numeric order of the first address. */
        ADDRESS
    }

    private final String name;
    private final String type;
    private final boolean map;
    private final Order order;
    private final int perLine;
    private final List<Element> elements = new ArrayList<>();

    /** One element: its text and, for sorted sets, its sort key. */
    private record Element(String text, Comparable<?> key) {}

    private NftSet(String name, String type, boolean map, Order order, int perLine) {
        this.name = name;
        this.type = type;
        this.map = map;
        this.order = order;
        this.perLine = perLine;
    }

    /**
     * A set of one key type or a concatenation. {@code perLine} follows nft's printer: IPv4
     * addresses two to a line, ports and protocols five, everything else one.
     */
    static NftSet set(String name, String type, Order order, int perLine) {
        return new NftSet(name, type, false, order, perLine);
    }

    static NftSet map(String name, String type, Order order, int perLine) {
        return new NftSet(name, type, true, order, perLine);
    }

    void add(String text, Comparable<?> key) {
        elements.add(new Element(text, key));
    }

    boolean isEmpty() {
        return elements.isEmpty();
    }

    /** The view the template prints. */
    NftablesView.SetView view() {
        List<Element> sorted = new ArrayList<>(elements);
        if (order != Order.INSERTION) {
            sorted.sort(Comparator.comparing(e -> comparableKey(e.key())));
        }
        StringBuilder b = new StringBuilder();
        int onLine = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0) {
                onLine++;
                if (onLine < perLine) {
                    b.append(", ");
                } else {
                    b.append(",\n\t\t\t     ");
                    onLine = 0;
                }
            }
            b.append(sorted.get(i).text());
        }
        return new NftablesView.SetView(map ? "map" : "set", name, type, b.toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparable<Object> comparableKey(Comparable<?> key) {
        return (Comparable) key;
    }
}
