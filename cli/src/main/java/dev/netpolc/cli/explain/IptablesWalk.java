package dev.netpolc.cli.explain;

import dev.netpolc.backend.iptables.Ruleset;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a packet against the rules of an iptables-restore script, chain by chain, as netfilter
 * does for the first packet of a connection: rules in order, first terminal target wins, a jump
 * enters a user chain and RETURN (or its end) comes back, a built-in chain's end applies its policy.
 */
final class IptablesWalk implements RuleWalk {

    private static final int MAX_DEPTH = 32;

    private final Map<String, Map<String, List<IptRule>>> rules = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> policies = new LinkedHashMap<>();
    private Topology topology;
    private Trace trace;
    private final String builtinOrigin;

    /**
     * {@code plain} is the ruleset as compiled (what the file prints), {@code annotated} the same
     * ruleset with source comments; they hold the same rules in the same order.
     */
    IptablesWalk(Ruleset plain, Ruleset annotated, Topology topology, Trace trace, String builtinOrigin) {
        this.topology = topology;
        this.trace = trace;
        this.builtinOrigin = builtinOrigin;
        List<Ruleset.TableView> p = plain.views();
        List<Ruleset.TableView> a = annotated.views();
        if (p.size() != a.size()) {
            throw new IllegalStateException("annotated and plain rulesets differ in tables");
        }
        for (int t = 0; t < p.size(); t++) {
            Ruleset.TableView pt = p.get(t);
            Ruleset.TableView at = a.get(t);
            if (!pt.name().equals(at.name()) || pt.rules().size() != at.rules().size()) {
                throw new IllegalStateException("annotated and plain rulesets differ in table " + pt.name());
            }
            Map<String, List<IptRule>> chains = new LinkedHashMap<>();
            Map<String, String> pols = new LinkedHashMap<>();
            for (Ruleset.ChainView c : pt.chains()) {
                chains.put(c.name(), new ArrayList<>());
                pols.put(c.name(), c.policy());
            }
            for (int i = 0; i < pt.rules().size(); i++) {
                Ruleset.RuleView pr = pt.rules().get(i);
                Ruleset.RuleView ar = at.rules().get(i);
                if (!pr.chain().equals(ar.chain())) {
                    throw new IllegalStateException("annotated and plain rulesets differ at rule " + i + " of " + pt.name());
                }
                String text = "-A " + pr.chain() + " " + pr.spec();
                chains.get(pr.chain()).add(IptRule.parse(pt.name(), pr.chain(), text, ar.spec(), chains.keySet(),
                        addr -> this.topology.isLocal(addr)));
            }
            rules.put(pt.name(), chains);
            policies.put(pt.name(), pols);
        }
    }

    @Override
    public void bind(Topology topology, Trace trace) {
        this.topology = topology;
        this.trace = trace;
    }

    /**
     * Runs one built-in chain of one table (skipped when the table or chain does not exist) and
     * returns the verdict (ACCEPT, DROP or REJECT) with what decided it.
     */
    @Override
    public Outcome hook(String table, String chain, Packet p) {
        Map<String, List<IptRule>> chains = rules.get(table);
        if (chains == null || !chains.containsKey(chain)) {
            return new Outcome("ACCEPT", null, null);
        }
        if (table.equals("nat") && !p.tracked) {
            trace.step("note", 0, table, chain, null, null, "nat " + chain + ": not consulted (conntrack does not track the packet)");
            return new Outcome("ACCEPT", null, null);
        }
        String policy = policies.get(table).get(chain);
        trace.step("chain", 0, table, chain, null, null, "policy " + policy);
        Outcome o = run(table, chain, p, 0);
        if (o != null) {
            return o;
        }
        String what = "policy " + policy + " of " + table + " " + chain;
        trace.step("policy", 0, table, chain, null, null, "end of chain: " + what);
        return new Outcome(policy, what, policyOrigin(table, chain));
    }

    private String policyOrigin(String table, String chain) {
        if (table.equals("filter") && chain.equals("FORWARD")) {
            var s = topology.policy.settings().span();
            return s.isBuiltin() ? builtinOrigin + ": FORWARD policy DROP, as Docker sets it"
                    : s.file() + ":" + s.line() + " settings (forward policy)";
        }
        return builtinOrigin;
    }

    private Outcome run(String table, String chain, Packet p, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ExplainException("chains of table " + table + " nest deeper than " + MAX_DEPTH + " at " + chain
                    + "; a jump loop?");
        }
        for (IptRule r : rules.get(table).get(chain)) {
            if (!r.matches(p)) {
                continue;
            }
            String target = r.target();
            switch (target) {
                case "ACCEPT", "DROP" -> {
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), null);
                    return new Outcome(target, r.text(), r.origin());
                }
                case "REJECT" -> {
                    String with = r.targetOptions().getOrDefault("--reject-with",
                            p.family == Family.IPV4 ? "icmp-port-unreachable" : "icmp6-port-unreachable");
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), "rejected with " + with);
                    return new Outcome("REJECT", r.text(), r.origin());
                }
                case "RETURN" -> {
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), "back to the calling chain");
                    return null;
                }
                case "LOG" -> trace.step("rule", depth, table, chain, r.text(), r.origin(),
                        "logged" + (r.targetOptions().containsKey("--log-prefix")
                                ? " with prefix '" + r.targetOptions().get("--log-prefix") + "'" : "") + "; the packet goes on");
                case "CHECKSUM" -> trace.step("rule", depth, table, chain, r.text(), r.origin(),
                        "checksum filled in; the packet goes on");
                case "DNAT" -> {
                    requireNat(r);
                    String to = r.targetOptions().get("--to-destination");
                    if (to == null) {
                        throw IptRule.bad(r.text(), "DNAT without --to-destination");
                    }
                    String before = p.destination.withPort(p.destinationPort);
                    applyDnat(p, to, r);
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), null);
                    trace.step("nat", depth, table, chain, null, null, "destination " + before + " becomes "
                            + (p.hasPorts() ? p.destination.withPort(p.destinationPort) : p.destination.text()));
                    return new Outcome("ACCEPT", r.text(), r.origin());
                }
                case "SNAT", "MASQUERADE" -> {
                    requireNat(r);
                    IpAddr before = p.source;
                    if (target.equals("SNAT")) {
                        String to = r.targetOptions().get("--to-source");
                        IpAddr a = to == null ? null : Addresses.parse(hostPart(to));
                        if (a == null) {
                            throw IptRule.bad(r.text(), "SNAT needs --to-source ADDRESS");
                        }
                        p.source = a;
                    } else {
                        p.source = topology.masqueradeAddress(p.out);
                    }
                    p.ctstates.add("SNAT");
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), null);
                    String how = target.equals("MASQUERADE") && p.out.equals(topology.uplink) && !topology.uplinkAddressGiven
                            ? " (the uplink's address; " + p.source + " stands for it: give --host-address to name it)" : "";
                    trace.step("nat", depth, table, chain, null, null, "source " + before + " becomes " + p.source + how);
                    return new Outcome("ACCEPT", r.text(), r.origin());
                }
                default -> {
                    trace.step("rule", depth, table, chain, r.text(), r.origin(), null);
                    trace.step("chain", depth + 1, table, target, null, null, null);
                    Outcome o = run(table, target, p, depth + 1);
                    if (o != null) {
                        return o;
                    }
                    if (rules.get(table).get(target).stream().noneMatch(x -> x.target().equals("RETURN") && x.matches(p))) {
                        trace.step("policy", depth + 1, table, target, null, null, "end of chain: back to " + chain);
                    }
                }
            }
        }
        return null;
    }

    private static void requireNat(IptRule r) {
        if (!r.table().equals("nat")) {
            throw IptRule.bad(r.text(), r.target() + " outside the nat table");
        }
    }

    private static void applyDnat(Packet p, String to, IptRule r) {
        String host;
        String port = null;
        if (to.startsWith("[")) {
            int end = to.indexOf(']');
            host = to.substring(1, end);
            if (end + 1 < to.length() && to.charAt(end + 1) == ':') {
                port = to.substring(end + 2);
            }
        } else if (to.indexOf(':') >= 0 && to.indexOf(':') == to.lastIndexOf(':')) {
            host = to.substring(0, to.indexOf(':'));
            port = to.substring(to.indexOf(':') + 1);
        } else {
            host = to;
        }
        IpAddr a = Addresses.parse(host);
        if (a == null || a.family() != p.family) {
            throw IptRule.bad(r.text(), "'" + to + "' is not an address of the packet's family");
        }
        p.destination = a;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}")) {
                throw IptRule.bad(r.text(), "port ranges in --to-destination are not known to explain");
            }
            p.destinationPort = Integer.parseInt(port);
        }
        p.ctstates.add("DNAT");
    }

    private static String hostPart(String to) {
        if (to.startsWith("[")) {
            return to.substring(1, Math.max(1, to.indexOf(']')));
        }
        int colon = to.indexOf(':');
        return colon >= 0 && colon == to.lastIndexOf(':') ? to.substring(0, colon) : to;
    }
}
