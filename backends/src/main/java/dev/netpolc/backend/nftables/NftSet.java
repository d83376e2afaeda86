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

    /** One element: its key, its value (maps only), its sort key (sorted sets only) and its comment. */
    private record Element(String text, String value, Comparable<?> key, String comment) {}

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
        add(text, null, key, null);
    }

    /** An element; in a map {@code value} is what the key maps to; {@code comment} may be null. */
    void add(String text, String value, Comparable<?> key, String comment) {
        elements.add(new Element(text, value, key, comment));
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
            Element e = sorted.get(i);
            b.append(e.text());
            if (e.comment() != null) {
                b.append(" comment \"").append(e.comment()).append('"');
            }
            if (e.value() != null) {
                b.append(" : ").append(e.value());
            }
        }
        return new NftablesView.SetView(map ? "map" : "set", name, type, b.toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparable<Object> comparableKey(Comparable<?> key) {
        return (Comparable) key;
    }
}
