package dev.netpolc.bench;

import dev.netpolc.backend.Backends;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the generated rules cost the kernel, counted from netpolc's real output for a policy:
 *
 * <ul>
 *   <li>{@code iptables_rules}: the {@code -A} lines of the iptables target;
 *   <li>{@code docker_rules}: the rules Docker 20.10 creates for the same networks, counted the
 *       way Docker adds them (15 for the daemon and its default bridge, 8 per other
 *       network, 6 when it does not masquerade, 3 per internal network, 3 per published IPv4
 *       port), which gives exactly the rule counts of the five captured Docker rule sets;
 *   <li>{@code iptables_forward}: the rules in the chains a forwarded packet can pass through
 *       (FORWARD and every chain reachable from it by a jump): an upper bound on the rules one
 *       packet is compared against;
 *   <li>{@code nft_rules}, {@code nft_forward}: the same two counts for the nftables target (rules
 *       of every chain; rules of the chains reachable from the chain on the forward hook), and
 *       {@code nft_elements}, the set and map elements that carry the per-network data.
 * </ul>
 *
 * <pre>java -cp CLASSPATH dev.netpolc.bench.RuleCost POLICY</pre>
 * prints one line of {@code key=value} pairs.
 */
public final class RuleCost {

    private static final Pattern IPT_JUMP = Pattern.compile("-j (\\S+)");
    private static final Pattern NFT_JUMP = Pattern.compile("\\b(?:jump|goto) (\\w+)");

    private RuleCost() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RuleCost POLICY");
            System.exit(2);
        }
        String name = args[0];
        Policy policy = Stages.resolve(name, Stages.parse(name, Files.readString(Path.of(name))));
        String ipt = Backends.byName("iptables").orElseThrow().render(policy);
        String nft = Backends.byName("nftables").orElseThrow().render(policy);
        Map<String, List<String>> iptFilter = iptablesChains(ipt, "filter");
        long iptRules = ipt.lines().filter(l -> l.startsWith("-A ")).count();
        Map<String, List<String>> nftChains = new LinkedHashMap<>();
        String forwardHook = nftChains(nft, nftChains);
        System.out.println("networks=" + policy.networks().size()
                + " containers=" + policy.containers().size()
                + " docker_rules=" + dockerRules(policy)
                + " iptables_rules=" + iptRules
                + " iptables_forward=" + reachableRules(iptFilter, "FORWARD", IPT_JUMP)
                + " nft_rules=" + nftChains.values().stream().mapToInt(List::size).sum()
                + " nft_forward=" + reachableRules(nftChains, forwardHook, NFT_JUMP)
                + " nft_elements=" + nftElements(nft));
    }

    /** Docker 20.10's rule count for the policy's IPv4 bridge networks and ports. */
    static long dockerRules(Policy policy) {
        long rules = 0;
        Set<String> internal = new HashSet<>();
        for (Network n : policy.networks()) {
            if (!n.isBridge() || n.subnet(Family.IPV4).isEmpty()) {
                continue;
            }
            if (n.internal()) {
                internal.add(n.name());
                rules += 3;
            } else {
                rules += n.masquerade() ? 8 : 6;
            }
        }
        rules += 7; // the daemon's own: 2 FORWARD jumps, 3 RETURNs, 2 nat jumps (the 15 of a fresh daemon less docker0's 8)
        for (Container c : policy.containers()) {
            for (PublishedPort p : c.published()) {
                if (p.family() == Family.IPV4 && !internal.contains(p.network())) {
                    rules += 3;
                }
            }
        }
        return rules;
    }

    /** The rules of one table of an iptables-restore script, by chain. */
    static Map<String, List<String>> iptablesChains(String script, String table) {
        Map<String, List<String>> chains = new LinkedHashMap<>();
        boolean in = false;
        for (String line : script.split("\n")) {
            if (line.startsWith("*")) {
                in = line.equals("*" + table);
            } else if (in && line.startsWith(":")) {
                chains.put(line.substring(1, line.indexOf(' ')), new ArrayList<>());
            } else if (in && line.startsWith("-A ")) {
                String chain = line.substring(3, line.indexOf(' ', 3));
                chains.get(chain).add(line);
            }
        }
        return chains;
    }

    /** Fills the rules of every chain of an nft script; returns the chain hooked on forward. */
    static String nftChains(String script, Map<String, List<String>> chains) {
        String current = null;
        String forward = null;
        int depth = 0;
        for (String raw : script.split("\n")) {
            String line = raw.trim();
            if (current == null) {
                if (line.startsWith("chain ") && line.endsWith("{")) {
                    current = line.substring(6, line.length() - 1).trim();
                    chains.put(current, new ArrayList<>());
                    depth = 1;
                }
                continue;
            }
            if (line.equals("}") && --depth == 0) {
                current = null;
            } else if (line.startsWith("type ") && line.contains(" hook ")) {
                if (line.contains(" hook forward ")) {
                    forward = current;
                }
            } else if (!line.isEmpty() && !line.startsWith("#") && !line.startsWith("policy ")) {
                chains.get(current).add(line);
            }
        }
        if (forward == null) {
            throw new IllegalStateException("no chain on the forward hook");
        }
        return forward;
    }

    /** The rules in {@code start} and in every chain reachable from it by jumps. */
    static int reachableRules(Map<String, List<String>> chains, String start, Pattern jump) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(start));
        int rules = 0;
        while (!todo.isEmpty()) {
            String chain = todo.pop();
            if (!seen.add(chain) || !chains.containsKey(chain)) {
                continue;
            }
            for (String rule : chains.get(chain)) {
                rules++;
                Matcher m = jump.matcher(rule);
                while (m.find()) {
                    todo.push(m.group(1));
                }
            }
        }
        return rules;
    }

    /** The elements of all sets and maps: lines inside an {@code elements = { ... }} list. */
    static int nftElements(String script) {
        int count = 0;
        boolean in = false;
        for (String raw : script.split("\n")) {
            String line = raw.trim();
            if (line.startsWith("elements = {")) {
                in = true;
                line = line.substring("elements = {".length());
            }
            if (in) {
                count += countElements(line);
                if (line.endsWith("}")) {
                    in = false;
                }
            }
        }
        return count;
    }

    private static int countElements(String line) {
        String body = line.replace("}", "").trim();
        if (body.isEmpty()) {
            return 0;
        }
        int n = 1;
        for (int i = 0; i < body.length(); i++) {
            if (body.charAt(i) == ',') {
                n++;
            }
        }
        return body.endsWith(",") ? n - 1 : n;
    }
}
