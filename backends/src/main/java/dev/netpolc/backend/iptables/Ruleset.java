package dev.netpolc.backend.iptables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of an iptables-restore script: tables, each with its chains (name and policy,
 * built-in chains first, then user chains by name) and its rules grouped by chain in that
 * order, as iptables-save lists them; {@link #text()} prints it.
 */
public final class Ruleset {

    /** A chain header: {@code :NAME POLICY [0:0]}; user chains have the policy {@code -}. */
    public record ChainView(String name, String policy) {}

    /** A rule line: {@code -A CHAIN SPEC}. */
    public record RuleView(String chain, String spec) {}

    /** A table with its chains and rules. */
    public record TableView(String name, List<ChainView> chains, List<RuleView> rules) {}

    private final Map<String, Table> tables = new LinkedHashMap<>();

    /** A table being filled. */
    static final class Table {
        private final String name;
        private final Map<String, String> chains = new LinkedHashMap<>();
        private final Map<String, List<Rule>> rules = new LinkedHashMap<>();

        Table(String name) {
            this.name = name;
        }

        Table chain(String chain, String policy) {
            chains.put(chain, policy);
            rules.put(chain, new ArrayList<>());
            return this;
        }

        void add(Rule r) {
            List<Rule> list = rules.get(r.chain());
            if (list == null) {
                throw new IllegalStateException("rule for undeclared chain " + r.chain() + " in table " + name);
            }
            list.add(r);
        }

        boolean has(String chain) {
            return chains.containsKey(chain);
        }

        /** Built-in chains in declaration order, then user chains by name, as iptables-save lists them. */
        List<String> order() {
            List<String> order = new ArrayList<>();
            List<String> user = new ArrayList<>();
            for (Map.Entry<String, String> c : chains.entrySet()) {
                (c.getValue().equals("-") ? user : order).add(c.getKey());
            }
            Collections.sort(user);
            order.addAll(user);
            return order;
        }

        TableView view() {
            List<String> order = order();
            List<ChainView> cs = new ArrayList<>();
            List<RuleView> rs = new ArrayList<>();
            for (String chain : order) {
                cs.add(new ChainView(chain, chains.get(chain)));
            }
            for (String chain : order) {
                for (Rule r : rules.get(chain)) {
                    rs.add(new RuleView(chain, r.spec()));
                }
            }
            return new TableView(name, List.copyOf(cs), List.copyOf(rs));
        }
    }

    Table table(String name) {
        Table t = tables.get(name);
        if (t == null) {
            t = new Table(name);
            tables.put(name, t);
        }
        return t;
    }

    /**
     * The iptables-restore script: per table {@code *NAME}, its chain headers, its rules and
     * {@code COMMIT}, as iptables-save prints them.
     */
    public String text() {
        StringBuilder b = new StringBuilder(4096);
        for (Table t : tables.values()) {
            b.append('*').append(t.name).append('\n');
            List<String> order = t.order();
            for (String chain : order) {
                b.append(':').append(chain).append(' ').append(t.chains.get(chain)).append(" [0:0]\n");
            }
            for (String chain : order) {
                for (Rule r : t.rules.get(chain)) {
                    b.append("-A ").append(chain).append(' ');
                    r.appendSpec(b);
                    b.append('\n');
                }
            }
            b.append("COMMIT\n");
        }
        return b.toString();
    }

    /** The tables as data, in the order {@link #text()} prints them, for tools that inspect the rules. */
    public List<TableView> views() {
        List<TableView> out = new ArrayList<>();
        for (Table t : tables.values()) {
            out.add(t.view());
        }
        return out;
    }
}
