package dev.netpolc.compiler.lint;

import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Cidrs;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.ForwardPolicy;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.RuleService;
import java.util.ArrayList;
import java.util.List;

/**
 * The oracle of {@link RuleSpaceAgreesTest}: {@link RuleSpace} as it was before it used indexes,
 * comparing every address of one endpoint with every address of the other and walking every
 * bridge for each address. Obviously right, and O(n m).
 */
final class BruteRuleSpace {

    private final Policy policy;
    private final List<Network> bridges = new ArrayList<>();

    BruteRuleSpace(Policy policy) {
        this.policy = policy;
        for (Network n : policy.networks()) {
            if (n.isBridge()) {
                bridges.add(n);
            }
        }
    }

    /** Whether {@code outer} matches every connection {@code inner} matches. */
    boolean contains(PolicyRule outer, PolicyRule inner) {
        if (outer.hook() != inner.hook()) {
            return false;
        }
        for (Family f : Family.values()) {
            if (!inner.applies(f)) {
                continue;
            }
            if (!outer.applies(f) || !contains(outer.from(), inner.from(), f) || !contains(outer.to(), inner.to(), f)) {
                return false;
            }
        }
        return servicesContain(outer.services(), inner.services());
    }

    /** Whether some connection matches both rules. */
    boolean overlap(PolicyRule a, PolicyRule b) {
        if (a.hook() != b.hook() || !servicesOverlap(a.services(), b.services())) {
            return false;
        }
        for (Family f : Family.values()) {
            if (a.applies(f) && b.applies(f) && overlap(a.from(), b.from(), f) && overlap(a.to(), b.to(), f)) {
                return true;
            }
        }
        return false;
    }

    private boolean contains(RuleEndpoint outer, RuleEndpoint inner, Family f) {
        if (outer.any() || (outer.host() && inner.host())) {
            return true;
        }
        if (inner.any() || inner.host() || outer.host()) {
            return false;
        }
        if (inner.external() && !outer.external()) {
            return false;
        }
        for (Cidr c : inner.cidrs(f)) {
            boolean held = outer.external() && isExternal(c);
            for (Cidr o : outer.cidrs(f)) {
                held |= Cidrs.contains(o, c);
            }
            if (!held) {
                return false;
            }
        }
        return true;
    }

    private boolean overlap(RuleEndpoint a, RuleEndpoint b, Family f) {
        if (a.any() || b.any() || (a.host() && b.host())) {
            return true;
        }
        if (a.host() || b.host()) {
            return false;
        }
        if (a.external() && b.external()) {
            return true;
        }
        for (Cidr x : a.cidrs(f)) {
            if (b.external() && !insideBridge(x)) {
                return true;
            }
            for (Cidr y : b.cidrs(f)) {
                if (Cidrs.overlap(x, y)) {
                    return true;
                }
            }
        }
        if (a.external()) {
            for (Cidr y : b.cidrs(f)) {
                if (!insideBridge(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether no address of the prefix is on one of the policy's bridges. */
    private boolean isExternal(Cidr c) {
        for (Network n : bridges) {
            if (n.subnet(c.family()).isPresent() && Cidrs.overlap(n.subnet(c.family()).get().cidr(), c)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every address of the prefix is on one bridge. */
    private boolean insideBridge(Cidr c) {
        return bridgeOf(c) != null;
    }

    private Network bridgeOf(Cidr c) {
        for (Network n : bridges) {
            if (n.subnet(c.family()).isPresent() && Cidrs.contains(n.subnet(c.family()).get().cidr(), c)) {
                return n;
            }
        }
        return null;
    }

    static boolean servicesContain(List<RuleService> outer, List<RuleService> inner) {
        if (outer.isEmpty()) {
            return true;
        }
        if (inner.isEmpty()) {
            return false;
        }
        for (RuleService s : inner) {
            boolean held = false;
            for (RuleService o : outer) {
                held |= serviceContains(o, s);
            }
            if (!held) {
                return false;
            }
        }
        return true;
    }

    private static boolean serviceContains(RuleService o, RuleService s) {
        if (!o.protocol().equals(s.protocol())) {
            return false;
        }
        if (o.icmp()) {
            return o.icmpType() == null || o.icmpType() == s.icmpType();
        }
        return o.allPorts() || (!s.allPorts() && o.low() <= s.low() && s.high() <= o.high());
    }

    static boolean servicesOverlap(List<RuleService> a, List<RuleService> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return true;
        }
        for (RuleService x : a) {
            for (RuleService y : b) {
                if (!x.protocol().equals(y.protocol())) {
                    continue;
                }
                if (x.icmp()) {
                    if (x.icmpType() == null || y.icmpType() == null || x.icmpType() == y.icmpType()) {
                        return true;
                    }
                } else if (x.allPorts() || y.allPorts() || (x.low() <= y.high() && y.low() <= x.high())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What Docker's rules do with the rule's traffic when no policy rule matches: the host's own
     * chains accept everything; forwarded traffic within a network passes when icc is on, leaves
     * for the outside unless the network is internal, and is dropped between networks and from
     * the outside (published ports aside, which make the answer MIXED).
     */
    RuleSpace.Baseline baseline(PolicyRule r) {
        if (r.hook() != RuleHook.FORWARD) {
            return RuleSpace.Baseline.ALLOWED;
        }
        boolean allowed = false;
        boolean blocked = false;
        for (Family f : Family.values()) {
            if (!r.applies(f)) {
                continue;
            }
            for (Object s : atoms(r.from(), f)) {
                for (Object d : atoms(r.to(), f)) {
                    RuleSpace.Baseline b = pair(s, d);
                    allowed |= b != RuleSpace.Baseline.BLOCKED;
                    blocked |= b != RuleSpace.Baseline.ALLOWED;
                }
            }
        }
        return allowed && blocked ? RuleSpace.Baseline.MIXED : allowed ? RuleSpace.Baseline.ALLOWED : RuleSpace.Baseline.BLOCKED;
    }

    private static final Object EXTERNAL = "external";
    private static final Object UNKNOWN = "unknown";

    /** The networks (or EXTERNAL, or UNKNOWN for a prefix that spans several) an endpoint's traffic is on. */
    private List<Object> atoms(RuleEndpoint e, Family f) {
        List<Object> out = new ArrayList<>();
        if (e.any()) {
            out.addAll(bridges.stream().filter(n -> n.subnet(f).isPresent()).toList());
            out.add(EXTERNAL);
            return out;
        }
        if (e.external()) {
            out.add(EXTERNAL);
        }
        for (Cidr c : e.cidrs(f)) {
            Network n = bridgeOf(c);
            out.add(n != null ? n : isExternal(c) ? EXTERNAL : UNKNOWN);
        }
        return out;
    }

    private RuleSpace.Baseline pair(Object s, Object d) {
        if (s == UNKNOWN || d == UNKNOWN) {
            return RuleSpace.Baseline.MIXED;
        }
        if (s == EXTERNAL && d == EXTERNAL) {
            return policy.settings().forwardPolicy() == ForwardPolicy.DROP ? RuleSpace.Baseline.BLOCKED : RuleSpace.Baseline.ALLOWED;
        }
        if (d == EXTERNAL) {
            return ((Network) s).internal() ? RuleSpace.Baseline.BLOCKED : RuleSpace.Baseline.ALLOWED;
        }
        Network dn = (Network) d;
        if (s == EXTERNAL) {
            return publishes(dn) ? RuleSpace.Baseline.MIXED : RuleSpace.Baseline.BLOCKED;
        }
        if (s == dn) {
            return dn.icc() ? RuleSpace.Baseline.ALLOWED : RuleSpace.Baseline.BLOCKED;
        }
        return RuleSpace.Baseline.BLOCKED;
    }

    private boolean publishes(Network n) {
        for (Container c : policy.containers()) {
            if (c.published().stream().anyMatch(p -> p.network().equals(n.name()))) {
                return true;
            }
        }
        return false;
    }
}
