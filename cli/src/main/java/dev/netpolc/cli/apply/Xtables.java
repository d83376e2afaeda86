package dev.netpolc.cli.apply;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of {@code iptables-save [-c]} (and of an iptables-restore script) as data: tables, each
 * with its chain headers and its rules, counters kept as written so that a table can be printed
 * back for {@code iptables-restore -c} unchanged.
 */
final class Xtables {

    private Xtables() {}

    /** {@code :NAME POLICY [p:b]}; {@code policy} is "-" for a user chain, counters may be null. */
    record Chain(String name, String policy, String counters) {
        boolean builtin() {
            return !policy.equals("-");
        }

        String line(boolean withCounters) {
            return ":" + name + " " + policy + " " + (withCounters && counters != null ? counters : "[0:0]");
        }
    }

    /** {@code [p:b] -A CHAIN SPEC}; counters may be null. */
    record RuleLine(String chain, String spec, String counters) {
        String line(boolean withCounters) {
            return (withCounters && counters != null ? counters + " " : "") + "-A " + chain + " " + spec;
        }

        /** The chain the rule jumps or goes to, or null. */
        String target() {
            String[] words = spec.split(" ");
            for (int i = words.length - 2; i >= 0; i--) {
                if (words[i].equals("-j") || words[i].equals("-g")) {
                    return words[i + 1];
                }
            }
            return null;
        }
    }

    /** One table. */
    static final class Table {
        final String name;
        final Map<String, Chain> chains = new LinkedHashMap<>();
        final List<RuleLine> rules = new ArrayList<>();

        /** The rules by chain, rebuilt when rules were added since (rules are only ever appended). */
        private Map<String, List<RuleLine>> byChain;
        private int indexed = -1;

        Table(String name) {
            this.name = name;
        }

        /** The rules of one chain, in order: from an index, so that going over every chain stays linear. */
        List<RuleLine> rules(String chain) {
            if (byChain == null || indexed != rules.size()) {
                byChain = new java.util.HashMap<>();
                for (RuleLine r : rules) {
                    byChain.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r);
                }
                indexed = rules.size();
            }
            return byChain.getOrDefault(chain, List.of());
        }
    }

    static Map<String, Table> parse(String text) throws ApplyException {
        Map<String, Table> tables = new LinkedHashMap<>();
        Table current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                current = new Table(line.substring(1).strip());
                tables.put(current.name, current);
                continue;
            }
            if (current == null) {
                throw new ApplyException("unexpected line outside a table in iptables-save's output: " + line);
            }
            if (line.equals("COMMIT")) {
                current = null;
            } else if (line.startsWith(":")) {
                String[] parts = line.substring(1).split(" ");
                current.chains.put(parts[0], new Chain(parts[0], parts[1], parts.length > 2 ? parts[2] : null));
            } else {
                String counters = null;
                String rest = line;
                if (rest.startsWith("[")) {
                    int close = rest.indexOf("] ");
                    counters = rest.substring(0, close + 1);
                    rest = rest.substring(close + 2);
                }
                if (!rest.startsWith("-A ")) {
                    throw new ApplyException("unexpected line in iptables-save's output: " + line);
                }
                int space = rest.indexOf(' ', 3);
                String chain = space < 0 ? rest.substring(3) : rest.substring(3, space);
                current.rules.add(new RuleLine(chain, space < 0 ? "" : rest.substring(space + 1), counters));
            }
        }
        return tables;
    }

    /** The tables as an iptables-restore script, rules grouped by chain in chain order. */
    static String print(Collection<Table> tables, boolean withCounters) {
        StringBuilder b = new StringBuilder();
        for (Table t : tables) {
            b.append('*').append(t.name).append('\n');
            t.chains.values().forEach(c -> b.append(c.line(withCounters)).append('\n'));
            for (Chain c : t.chains.values()) {
                for (RuleLine r : t.rules(c.name())) {
                    b.append(r.line(withCounters)).append('\n');
                }
            }
            b.append("COMMIT\n");
        }
        return b.toString();
    }

    /**
     * A table without counters and with chains in name order, for comparing what the kernel holds
     * with what was meant: nf_tables and legacy list user chains in different orders.
     */
    static String canonical(Table t) {
        StringBuilder b = new StringBuilder("*" + t.name + "\n");
        t.chains.values().stream().sorted((x, y) -> x.name().compareTo(y.name()))
                .forEach(c -> b.append(":").append(c.name()).append(" ").append(c.policy()).append('\n'));
        t.chains.values().stream().sorted((x, y) -> x.name().compareTo(y.name())).forEach(c -> {
            for (RuleLine r : t.rules(c.name())) {
                b.append(r.line(false)).append('\n');
            }
        });
        return b.toString();
    }
}
