package dev.netpolc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed iptables-save (or iptables-restore) file: per table, its chain headers and rules. */
record IptablesSave(Map<String, Table> tables) {

    /** One table: chain name to policy, and chain name to its rules (text after "-A CHAIN "), in order. */
    record Table(Map<String, String> chains, Map<String, List<String>> rules) {
        List<String> rules(String chain) {
            return rules.getOrDefault(chain, List.of());
        }
    }

    static IptablesSave parse(String text) {
        Map<String, Table> tables = new LinkedHashMap<>();
        Table current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("*")) {
                current = new Table(new LinkedHashMap<>(), new LinkedHashMap<>());
                tables.put(line.substring(1), current);
            } else if (line.equals("COMMIT")) {
                current = null;
            } else if (line.startsWith(":")) {
                String[] parts = line.substring(1).split(" ");
                current.chains().put(parts[0], parts[1]);
            } else if (line.startsWith("-A ")) {
                int space = line.indexOf(' ', 3);
                String chain = line.substring(3, space);
                current.rules().computeIfAbsent(chain, k -> new ArrayList<>()).add(line.substring(space + 1));
            } else {
                throw new IllegalArgumentException("unexpected line: " + line);
            }
        }
        return new IptablesSave(tables);
    }
}
