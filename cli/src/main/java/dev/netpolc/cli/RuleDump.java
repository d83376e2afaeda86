package dev.netpolc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An iptables-save style text (a dump from a host, or netpolc's own output) as tables of chains
 * and rules, for comparing what a host has with what a policy says. Comments and counters are
 * dropped.
 */
record RuleDump(Map<String, Map<String, String>> chains, Map<String, Map<String, List<String>>> rules) {

    static RuleDump parse(String text) {
        Map<String, Map<String, String>> chains = new LinkedHashMap<>();
        Map<String, Map<String, List<String>>> rules = new LinkedHashMap<>();
        String table = null;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = line.substring(1);
                chains.putIfAbsent(table, new LinkedHashMap<>());
                rules.putIfAbsent(table, new LinkedHashMap<>());
            } else if (table != null && line.startsWith(":")) {
                String[] parts = line.substring(1).split(" ");
                chains.get(table).put(parts[0], parts.length > 1 ? parts[1] : "-");
            } else if (table != null && line.startsWith("-A ")) {
                int space = line.indexOf(' ', 3);
                String chain = space < 0 ? line.substring(3) : line.substring(3, space);
                rules.get(table).computeIfAbsent(chain, k -> new ArrayList<>()).add(line);
            }
        }
        return new RuleDump(chains, rules);
    }

    /** The text of the given tables and chains only, in a fixed order: chain headers, then rules by chain. */
    String render(Map<String, ? extends java.util.Collection<String>> keep) {
        StringBuilder b = new StringBuilder();
        keep.forEach((table, keepChains) -> {
            if (!chains.containsKey(table)) {
                return;
            }
            b.append('*').append(table).append('\n');
            for (String chain : keepChains) {
                if (chains.get(table).containsKey(chain)) {
                    b.append(':').append(chain).append(' ').append(chains.get(table).get(chain)).append('\n');
                }
            }
            for (String chain : keepChains) {
                for (String r : rules.get(table).getOrDefault(chain, List.of())) {
                    b.append(r).append('\n');
                }
            }
            b.append("COMMIT\n");
        });
        return b.toString();
    }
}
