package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Comments;
import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleAction;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.RuleService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The policy's allow/deny/reject/log rules in iptables, for one family. Forwarded traffic is
 * filtered in the user chain ({@code DOCKER-USER} with the default prefix), which FORWARD jumps to
 * before isolation; traffic to the host in {@code PREFIX-INPUT}, jumped to from INPUT; traffic
 * from the host in {@code PREFIX-OUTPUT}, jumped to from OUTPUT. Each chain first lets through
 * what belongs to a connection already decided (conntrack), so a rule is about connections and
 * their replies always pass.
 *
 * <p>A rule matches a source, a destination and a service, each of which may be a list. iptables
 * has no sets, so a list becomes a chain of its own with one line per member ({@code PREFIX-R3-S}
 * for rule 3's sources): the number of lines grows with the sum of the lists, never with their
 * product. {@code external} (not behind one of the policy's bridges) is a chain that returns for
 * every bridge.
 */
final class PolicyRules {

    private final Policy policy;
    private final Family family;
    private final String prefix;
    private final boolean annotate;
    private final List<String> bridges = new ArrayList<>();

    PolicyRules(Policy policy, Family family, boolean annotate) {
        this.policy = policy;
        this.family = family;
        this.prefix = policy.settings().chainPrefix();
        this.annotate = annotate;
        for (Network n : policy.networks()) {
            if (n.isBridge()) {
                bridges.add(n.bridgeName());
            }
        }
    }

    private static boolean anyAllPorts(List<RuleService> services) {
        for (RuleService s : services) {
            if (s.allPorts()) {
                return true;
            }
        }
        return false;
    }

    /** The rules of one hook that apply to this family, in source order. */
    List<PolicyRule> rules(RuleHook hook) {
        List<PolicyRule> out = new ArrayList<>();
        for (PolicyRule r : policy.rules()) {
            if (r.hook() == hook && r.applies(family)) {
                out.add(r);
            }
        }
        return out;
    }

    String inputChain() {
        return prefix + "-INPUT";
    }

    String outputChain() {
        return prefix + "-OUTPUT";
    }

    /** Fills the user chain (before its final RETURN) with the forwarding rules. */
    void forward(Ruleset.Table t, String userChain) {
        List<PolicyRule> rules = rules(RuleHook.FORWARD);
        if (rules.isEmpty()) {
            return;
        }
        t.add(comment(Rule.in(userChain).match("-m conntrack --ctstate RELATED,ESTABLISHED"), builtin("replies")).jump("ACCEPT"));
        for (PolicyRule r : rules) {
            rule(t, userChain, r);
        }
    }

    /** Declares the INPUT or OUTPUT chain and its jump when the hook has rules for this family. */
    void hostChain(Ruleset.Table t, RuleHook hook) {
        List<PolicyRule> rules = rules(hook);
        if (rules.isEmpty()) {
            return;
        }
        String chain = hook == RuleHook.INPUT ? inputChain() : outputChain();
        String builtin = hook == RuleHook.INPUT ? "INPUT" : "OUTPUT";
        t.chain(chain, "-");
        t.add(comment(Rule.in(builtin), builtin("jump")).jump(chain));
        Rule lo = Rule.in(chain);
        if (hook == RuleHook.INPUT) {
            lo.inInterface("lo");
        } else {
            lo.outInterface("lo");
        }
        t.add(comment(lo, builtin("loopback")).jump("RETURN"));
        t.add(comment(Rule.in(chain).match("-m conntrack --ctstate RELATED,ESTABLISHED"), builtin("replies")).jump("RETURN"));
        if (family == Family.IPV6) {
            // without neighbour discovery a rule such as "deny X -> host" would cut X off IPv6 entirely
            for (int type = 133; type <= 136; type++) {
                t.add(comment(Rule.in(chain).protocol("ipv6-icmp").match("-m icmp6 --icmpv6-type " + type),
                        builtin("neighbour discovery")).jump("RETURN"));
            }
        }
        for (PolicyRule r : rules) {
            rule(t, chain, r);
        }
    }

    private String builtin(String what) {
        String file = policy.files().isEmpty() ? "" : policy.files().get(0) + " ";
        return file + "built-in (policy rules: " + what + ")";
    }

    private Rule comment(Rule r, String builtinText) {
        if (annotate) {
            r.comment(Comments.safe(builtinText, Comments.IPTABLES_MAX));
        }
        return r;
    }

    /** One stage of a rule: the alternatives of its source, destination or service. */
    private record Stage(String letter, List<Alt> alts) {}

    /** One alternative of a stage: a partial rule, or "external" (a chain returning for every bridge). */
    private record Alt(Rule match, boolean external, boolean sourceSide, RuleService service) {}

    private void rule(Ruleset.Table t, String chain, PolicyRule r) {
        List<Stage> stages = List.of(
                new Stage("S", endpointAlts(r.from(), true)),
                new Stage("D", endpointAlts(r.to(), false)),
                new Stage("P", serviceAlts(r.services())));
        emit(t, chain, r, stages, 0, Rule.in(chain), null);
    }

    /**
     * Emits stages {@code from..} of rule {@code r}, continuing {@code partial} in {@code chain}.
     * Stages with one alternative merge into the partial rule; a stage with several becomes a
     * chain that the partial rule jumps to, with one line per alternative.
     */
    private void emit(Ruleset.Table t, String chain, PolicyRule r, List<Stage> stages, int from, Rule partial,
            RuleService service) {
        for (int i = from; i < stages.size(); i++) {
            Stage s = stages.get(i);
            if (s.alts().size() == 1 && !s.alts().get(0).external()) {
                Alt a = s.alts().get(0);
                partial.with(a.match());
                service = a.service() != null ? a.service() : service;
                continue;
            }
            String sub = prefix + "-R" + r.number() + "-" + s.letter();
            t.add(annotated(partial, r).jump(sub));
            if (t.has(sub)) {
                return; // another path already filled it: its lines do not depend on the path
            }
            t.chain(sub, "-");
            if (s.alts().size() == 1) {
                externalChain(t, sub, r, s.alts().get(0), stages, i + 1, service);
                return;
            }
            for (int k = 0; k < s.alts().size(); k++) {
                Alt a = s.alts().get(k);
                if (a.external()) {
                    String ext = sub + "X";
                    t.chain(ext, "-");
                    t.add(annotated(Rule.in(sub), r).jump(ext));
                    externalChain(t, ext, r, a, stages, i + 1, service);
                } else {
                    emit(t, sub, r, stages, i + 1, Rule.in(sub).with(a.match()), a.service() != null ? a.service() : service);
                }
            }
            return;
        }
        verdict(t, r, partial, service);
    }

    /** A chain that leaves every packet of a bridge (returns), then goes on with the later stages. */
    private void externalChain(Ruleset.Table t, String chain, PolicyRule r, Alt a, List<Stage> stages, int next,
            RuleService service) {
        boolean source = a.sourceSide();
        boolean input = (source && r.hook() != RuleHook.OUTPUT) || (!source && r.hook() == RuleHook.INPUT);
        for (String br : bridges) {
            Rule ret = Rule.in(chain);
            if (input) {
                ret.inInterface(br);
            } else {
                ret.outInterface(br);
            }
            t.add(annotated(ret, r).jump("RETURN"));
        }
        emit(t, chain, r, stages, next, Rule.in(chain), service);
    }

    private void verdict(Ruleset.Table t, PolicyRule r, Rule partial, RuleService service) {
        if (r.log()) {
            t.add(annotated(copy(partial), r).jump("LOG --log-prefix " + Rule.saveString(r.logPrefix())));
        }
        switch (r.action()) {
            case ALLOW:
                t.add(annotated(partial, r).jump("ACCEPT"));
                break;
            case DENY:
                t.add(annotated(partial, r).jump("DROP"));
                break;
            case REJECT:
                String unreachable = family == Family.IPV4 ? "icmp-port-unreachable" : "icmp6-port-unreachable";
                if (service == null) {
                    t.add(annotated(copy(partial).protocol("tcp"), r).jump("REJECT --reject-with tcp-reset"));
                }
                boolean tcp = service != null && service.protocol().equals("tcp");
                t.add(annotated(partial, r).jump("REJECT --reject-with " + (tcp ? "tcp-reset" : unreachable)));
                break;
            default:
                break;
        }
    }

    private static Rule copy(Rule r) {
        return Rule.in(r.chain()).with(r);
    }

    private Rule annotated(Rule rule, PolicyRule r) {
        String text = annotate ? Comments.at(r.span(), r.text()) + (r.comment() == null ? "" : ": " + r.comment()) : r.comment();
        if (text != null) {
            rule.comment(Comments.safe(text, Comments.IPTABLES_MAX));
        }
        return rule;
    }

    private List<Alt> endpointAlts(RuleEndpoint e, boolean source) {
        List<Alt> alts = new ArrayList<>();
        if (e.any() || e.host()) {
            alts.add(new Alt(Rule.in("-"), false, source, null));
            return alts;
        }
        for (Cidr c : e.cidrs(family)) {
            alts.add(new Alt(source ? Rule.in("-").source(c.toString()) : Rule.in("-").destination(c.toString()), false, source,
                    null));
        }
        if (e.external()) {
            alts.add(new Alt(null, true, source, null));
        }
        return alts;
    }

    /** Services: one alternative per protocol, its ports in one multiport match (15 at most per match). */
    private List<Alt> serviceAlts(List<RuleService> services) {
        List<Alt> alts = new ArrayList<>();
        if (services.isEmpty()) {
            alts.add(new Alt(Rule.in("-"), false, false, null));
            return alts;
        }
        for (Map.Entry<String, List<RuleService>> e : RuleService.byProtocol(services).entrySet()) {
            String proto = e.getKey();
            List<RuleService> list = e.getValue();
            if (proto.equals("icmp")) {
                String p = family == Family.IPV4 ? "icmp" : "ipv6-icmp";
                for (RuleService s : list) {
                    Rule m = Rule.in("-").protocol(p);
                    if (s.icmpType() != null) {
                        m.match(family == Family.IPV4 ? "-m icmp --icmp-type " + s.icmpType().number(family)
                                : "-m icmp6 --icmpv6-type " + s.icmpType().number(family));
                    }
                    alts.add(new Alt(m, false, false, s));
                }
                continue;
            }
            if (anyAllPorts(list)) {
                alts.add(new Alt(Rule.in("-").protocol(proto), false, false, list.get(0)));
                continue;
            }
            if (list.size() == 1) {
                RuleService s = list.get(0);
                alts.add(new Alt(Rule.in("-").protocol(proto).match("-m " + proto + " --dport " + range(s)), false, false, s));
                continue;
            }
            // multiport counts a range as two ports; at most 15 per match
            List<String> chunk = new ArrayList<>();
            int used = 0;
            for (RuleService s : list) {
                int cost = s.low() == s.high() ? 1 : 2;
                if (used + cost > 15) {
                    alts.add(multiport(proto, chunk, list.get(0)));
                    chunk = new ArrayList<>();
                    used = 0;
                }
                chunk.add(range(s));
                used += cost;
            }
            alts.add(multiport(proto, chunk, list.get(0)));
        }
        return alts;
    }

    private static Alt multiport(String proto, List<String> ports, RuleService s) {
        Rule m = Rule.in("-").protocol(proto);
        m.match(ports.size() == 1 ? "-m " + proto + " --dport " + ports.get(0) : "-m multiport --dports " + String.join(",", ports));
        return new Alt(m, false, false, s);
    }

    private static String range(RuleService s) {
        return s.low() == s.high() ? Integer.toString(s.low()) : s.low() + ":" + s.high();
    }
}
