package dev.netpolc.cli.apply;

import dev.netpolc.cli.apply.Xtables.Chain;
import dev.netpolc.cli.apply.Xtables.RuleLine;
import dev.netpolc.cli.apply.Xtables.Table;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What of an iptables state is netpolc's, and the state with netpolc's part replaced.
 *
 * <p>netpolc owns the user chains its scripts declare, those of the last apply (from the state
 * record) and those it is about to write, each by its exact name: a chain that merely starts with
 * its prefix ({@code DOCKER-MYAPP} next to Docker's layout) is another tool's, and so is a rule
 * that jumps to it. In a built-in chain it owns the rules that jump to one of its chains and,
 * for Docker's layout, which writes rules of its own into built-in chains, the rules it wrote there
 * at the last apply (from the state record) or is about to write. Everything else is foreign and
 * is written back exactly as it was read, counters included.
 */
final class IptablesState {

    /** The user chains of netpolc's scripts (with one of its prefixes), by name. */
    private final Set<String> chains = new java.util.HashSet<>();
    /** Per table, "CHAIN SPEC" of the rules netpolc wrote or writes into built-in chains. */
    private final Map<String, Set<String>> known = new HashMap<>();

    IptablesState(Set<String> prefixes, List<Map<String, Table>> knownScripts) {
        for (Map<String, Table> script : knownScripts) {
            for (Table t : script.values()) {
                for (Chain c : t.chains.values()) {
                    if (!c.builtin() && prefixed(c.name(), prefixes)) {
                        chains.add(c.name());
                    }
                }
                for (RuleLine r : t.rules) {
                    Chain c = t.chains.get(r.chain());
                    if (c != null && c.builtin()) {
                        known.computeIfAbsent(t.name, k -> new LinkedHashSet<>()).add(r.chain() + " " + r.spec());
                    }
                }
            }
        }
    }

    private static boolean prefixed(String name, Set<String> prefixes) {
        for (String p : prefixes) {
            if (name.equals(p) || name.startsWith(p + "-")) {
                return true;
            }
        }
        return false;
    }

    boolean ownsChain(String name) {
        return chains.contains(name);
    }

    boolean ownsRule(Table t, RuleLine r) {
        if (ownsChain(r.chain())) {
            return true;
        }
        Chain c = t.chains.get(r.chain());
        if (c == null || !c.builtin()) {
            return false;
        }
        String target = r.target();
        return target != null && ownsChain(target)
                || known.getOrDefault(t.name, Set.of()).contains(r.chain() + " " + r.spec());
    }

    /** Whether the table holds anything of netpolc's. */
    boolean touches(Table t) {
        return t.chains.keySet().stream().anyMatch(this::ownsChain) || t.rules.stream().anyMatch(r -> ownsRule(t, r));
    }

    /**
     * The tables to restore: every table that holds or is to hold something of netpolc's, with
     * netpolc's chains and rules replaced by {@code intended}'s (empty for --down) and every other
     * chain, rule, counter and built-in policy as saved. netpolc's rules go first in a built-in
     * chain, as Docker puts its jumps first. With {@code forwardPolicy}, filter FORWARD takes the
     * policy {@code intended} gives it (Docker's layout sets it; the owned layout leaves it).
     */
    Map<String, Table> merge(Map<String, Table> saved, Map<String, Table> intended, boolean forwardPolicy) {
        Set<String> names = new LinkedHashSet<>(saved.keySet());
        names.addAll(intended.keySet());
        Map<String, Table> out = new LinkedHashMap<>();
        for (String name : names) {
            Table s = saved.get(name);
            Table i = intended.get(name);
            if (i == null && (s == null || !touches(s))) {
                continue;
            }
            Table t = new Table(name);
            if (s != null) {
                for (Chain c : s.chains.values()) {
                    if (c.builtin()) {
                        String policy = c.policy();
                        if (forwardPolicy && name.equals("filter") && c.name().equals("FORWARD") && i != null
                                && i.chains.containsKey("FORWARD")) {
                            policy = i.chains.get("FORWARD").policy();
                        }
                        t.chains.put(c.name(), new Chain(c.name(), policy, c.counters()));
                    } else if (!ownsChain(c.name())) {
                        t.chains.put(c.name(), c);
                    }
                }
            }
            if (i != null) {
                for (Chain c : i.chains.values()) {
                    if (!t.chains.containsKey(c.name())) {
                        t.chains.put(c.name(), new Chain(c.name(), c.policy(), null));
                    }
                }
            }
            for (Chain c : t.chains.values()) {
                if (i != null && (c.builtin() || ownsChain(c.name()))) {
                    i.rules(c.name()).forEach(r -> t.rules.add(new RuleLine(r.chain(), r.spec(), null)));
                }
                if (s != null && !ownsChain(c.name())) {
                    for (RuleLine r : s.rules(c.name())) {
                        if (!ownsRule(s, r)) {
                            t.rules.add(r);
                        }
                    }
                }
            }
            out.put(name, t);
        }
        return out;
    }

    /**
     * The plan: what of netpolc's differs between {@code saved} and {@code intended}, one line
     * each, prefixed {@code +} (added), {@code -} (removed) or {@code ~} (changed).
     */
    List<String> plan(String family, Map<String, Table> saved, Map<String, Table> intended, boolean forwardPolicy) {
        List<String> lines = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>(saved.keySet());
        names.addAll(intended.keySet());
        for (String name : names) {
            Table s = saved.getOrDefault(name, new Table(name));
            Table i = intended.getOrDefault(name, new Table(name));
            String where = family + " " + name + ": ";
            for (Chain c : i.chains.values()) {
                if (!c.builtin() && !s.chains.containsKey(c.name())) {
                    lines.add("+ " + where + "chain " + c.name());
                }
            }
            for (Chain c : s.chains.values()) {
                if (!c.builtin() && ownsChain(c.name()) && !i.chains.containsKey(c.name())) {
                    lines.add("- " + where + "chain " + c.name());
                }
            }
            if (forwardPolicy && name.equals("filter") && i.chains.containsKey("FORWARD")) {
                String want = i.chains.get("FORWARD").policy();
                String have = s.chains.containsKey("FORWARD") ? s.chains.get("FORWARD").policy() : "ACCEPT";
                if (!want.equals(have)) {
                    lines.add("~ " + where + "policy of FORWARD " + have + " -> " + want);
                }
            }
            // netpolc's rules as they are and as they are to be, by chain, each gathered in one pass.
            Map<String, List<String>> haveBy = new LinkedHashMap<>();
            for (RuleLine r : s.rules) {
                if (ownsRule(s, r)) {
                    haveBy.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r.line(false));
                }
            }
            Map<String, List<String>> wantBy = new LinkedHashMap<>();
            for (RuleLine r : i.rules) {
                wantBy.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r.line(false));
            }
            Set<String> chains = new LinkedHashSet<>(haveBy.keySet());
            chains.addAll(wantBy.keySet());
            for (String chain : chains) {
                List<String> have = haveBy.getOrDefault(chain, List.of());
                List<String> want = wantBy.getOrDefault(chain, List.of());
                Chain c = s.chains.get(chain);
                if (have.equals(want) && (c == null || !c.builtin())) {
                    continue;
                }
                List<String> removed = minus(have, want);
                List<String> added = minus(want, have);
                removed.forEach(r -> lines.add("- " + where + r));
                added.forEach(r -> lines.add("+ " + where + r));
                if (removed.isEmpty() && added.isEmpty() && !have.equals(want)) {
                    lines.add("~ " + where + "order of netpolc's rules in " + chain);
                }
                // Netpolc's rules come first in a built-in chain: a foreign rule before one of them is a change.
                if (c != null && c.builtin() && !want.isEmpty() && removed.isEmpty() && added.isEmpty()) {
                    List<RuleLine> all = s.rules(chain);
                    for (int k = 0; k < want.size() && k < all.size(); k++) {
                        if (!ownsRule(s, all.get(k))) {
                            lines.add("~ " + where + "netpolc's rules to the top of " + chain);
                            break;
                        }
                    }
                }
            }
        }
        return lines;
    }

    /** The elements of {@code a} that {@code b} does not have, counting repeats, in a's order. */
    static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        b.forEach(x -> counts.merge(x, 1, Integer::sum));
        List<String> out = new ArrayList<>();
        for (String x : a) {
            Integer n = counts.get(x);
            if (n == null || n == 0) {
                out.add(x);
            } else {
                counts.put(x, n - 1);
            }
        }
        return out;
    }
}
