package dev.netpolc.backend.iptables;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The view-model an iptables-restore script is printed from: tables, each with its chains (name
 * and policy, built-in chains first) and its rules grouped by chain in chain order, as
 * iptables-save groups them. The template only prints it.
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
        TableView view() {
            List<String> order = new ArrayList<>();
            chains.forEach((n, p) -> {
                if (!p.equals("-")) {
                    order.add(n);
                }
            });
            List<String> user = new ArrayList<>();
            chains.forEach((n, p) -> {
                if (p.equals("-")) {
                    user.add(n);
                }
            });
            java.util.Collections.sort(user);
            order.addAll(user);
            List<ChainView> cs = new ArrayList<>();
            order.forEach(n -> cs.add(new ChainView(n, chains.get(n))));
            List<RuleView> rs = new ArrayList<>();
            order.forEach(chain -> rules.get(chain).forEach(r -> rs.add(new RuleView(chain, r.spec()))));
            return new TableView(name, List.copyOf(cs), List.copyOf(rs));
        }
    }

    Table table(String name) {
        return tables.computeIfAbsent(name, Table::new);
    }

    public List<TableView> views() {
        List<TableView> out = new ArrayList<>();
        tables.values().forEach(t -> out.add(t.view()));
        return out;
    }
}
