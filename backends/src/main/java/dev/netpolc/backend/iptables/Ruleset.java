package dev.netpolc.backend.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of an iptables-restore script: tables, each with its chains (name and policy,
 * built-in chains first) and its rules grouped by chain in chain order, as iptables-save groups
 * them; {@link #text()} prints it.
 */
public final class Ruleset {

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
    }

    Table table(String name) {
        return tables.computeIfAbsent(name, Table::new);
    }

    /**
     * The iptables-restore script: per table {@code *NAME}, its chain headers, its rules and
     * {@code COMMIT}, as iptables-save prints them.
     */
    public String text() {
        StringBuilder b = new StringBuilder(4096);
        for (Table t : tables.values()) {
            b.append('*').append(t.name).append('\n');
            for (Map.Entry<String, String> c : t.chains.entrySet()) {
                b.append(':').append(c.getKey()).append(' ').append(c.getValue()).append(" [0:0]\n");
            }
            for (Map.Entry<String, List<Rule>> c : t.rules.entrySet()) {
                for (Rule r : c.getValue()) {
                    b.append("-A ").append(c.getKey()).append(' ').append(r.spec()).append('\n');
                }
            }
            b.append("COMMIT\n");
        }
        return b.toString();
    }
}
