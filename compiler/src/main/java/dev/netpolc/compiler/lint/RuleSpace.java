package dev.netpolc.compiler.lint;

import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.CidrIndex;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What policy rules match, as sets that can be compared: whether one rule matches everything
 * another matches, whether two share any connection, and what Docker's own rules do without them.
 * Endpoints are compared per address family; {@code external} holds every address outside the
 * policy's bridge subnets.
 *
 * <p>An endpoint's addresses are compared through a {@link CidrIndex} (built once per endpoint and
 * family), so comparing two endpoints of n and m addresses costs O((n + m) log n), not O(n m): a
 * rule naming a set of 100,000 addresses is compared with another in milliseconds.
 */
final class RuleSpace {

    /** What Docker's rules alone do with some traffic. */
    enum Baseline { ALLOWED, BLOCKED, MIXED }

    private final Policy policy;
    private final List<Network> bridges = new ArrayList<>();
    /** The bridges' subnets of each family, and for each subnet the first bridge that has it. */
    private final Map<Family, CidrIndex> bridgeSubnets = new HashMap<>();
    private final Map<Cidr, Network> bridgeBySubnet = new HashMap<>();
    /** Each endpoint's index, per family (IPv4 at 0, IPv6 at 1), made when first needed. */
    private final Map<RuleEndpoint, CidrIndex[]> indexes = new IdentityHashMap<>();

    RuleSpace(Policy policy) {
        this.policy = policy;
        Map<Family, List<Cidr>> subnets = new HashMap<>();
        for (Family f : Family.values()) {
            subnets.put(f, new ArrayList<>());
        }
        for (Network n : policy.networks()) {
            if (n.isBridge()) {
                bridges.add(n);
                for (Family f : Family.values()) {
                    if (n.subnet(f).isPresent()) {
                        Cidr c = n.subnet(f).get().cidr();
                        subnets.get(f).add(c);
                        bridgeBySubnet.putIfAbsent(c, n);
                    }
                }
            }
        }
        for (Family f : Family.values()) {
            bridgeSubnets.put(f, CidrIndex.of(subnets.get(f)));
        }
    }

    private CidrIndex index(RuleEndpoint e, Family f) {
        CidrIndex[] byFamily = indexes.get(e);
        if (byFamily == null) {
            byFamily = new CidrIndex[Family.values().length];
            indexes.put(e, byFamily);
        }
        CidrIndex i = byFamily[f.ordinal()];
        if (i == null) {
            i = CidrIndex.of(e.cidrs(f));
            byFamily[f.ordinal()] = i;
        }
        return i;
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
        List<Cidr> cidrs = inner.cidrs(f);
        if (cidrs.isEmpty()) {
            return true;
        }
        CidrIndex o = index(outer, f);
        for (Cidr c : cidrs) {
            if (!(outer.external() && isExternal(c)) && !o.holds(c)) {
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
        List<Cidr> xs = a.cidrs(f);
        CidrIndex bs = xs.isEmpty() ? null : index(b, f);
        for (Cidr x : xs) {
            if (b.external() && !insideBridge(x)) {
                return true;
            }
            if (bs.meets(x)) {
                return true;
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
        return !bridgeSubnets.get(c.family()).meets(c);
    }

    /** Whether every address of the prefix is on one bridge. */
    private boolean insideBridge(Cidr c) {
        return bridgeOf(c) != null;
    }

    /** The bridge whose subnet holds the prefix, or null (bridge subnets never overlap: NP2016). */
    private Network bridgeOf(Cidr c) {
        Cidr subnet = bridgeSubnets.get(c.family()).holder(c);
        return subnet == null ? null : bridgeBySubnet.get(subnet);
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
    Baseline baseline(PolicyRule r) {
        if (r.hook() != RuleHook.FORWARD) {
            return Baseline.ALLOWED;
        }
        boolean allowed = false;
        boolean blocked = false;
        for (Family f : Family.values()) {
            if (!r.applies(f)) {
                continue;
            }
            // each side's distinct atoms: the answer for a pair depends on nothing else, and a rule
            // with thousands of addresses on both sides has few distinct atoms
            for (Object s : atoms(r.from(), f)) {
                for (Object d : atoms(r.to(), f)) {
                    Baseline b = pair(s, d);
                    allowed |= b != Baseline.BLOCKED;
                    blocked |= b != Baseline.ALLOWED;
                }
            }
        }
        return allowed && blocked ? Baseline.MIXED : allowed ? Baseline.ALLOWED : Baseline.BLOCKED;
    }

    private static final Object EXTERNAL = "external";
    private static final Object UNKNOWN = "unknown";

    /**
     * The networks (or EXTERNAL, or UNKNOWN for a prefix that spans several) an endpoint's traffic
     * is on, each once, in first-mention order.
     */
    private List<Object> atoms(RuleEndpoint e, Family f) {
        List<Object> out = new ArrayList<>();
        if (e.any()) {
            out.addAll(bridges.stream().filter(n -> n.subnet(f).isPresent()).toList());
            out.add(EXTERNAL);
            return out;
        }
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (e.external()) {
            out.add(EXTERNAL);
            seen.add(EXTERNAL);
        }
        for (Cidr c : e.cidrs(f)) {
            Network n = bridgeOf(c);
            Object atom = n != null ? n : isExternal(c) ? EXTERNAL : UNKNOWN;
            if (seen.add(atom)) {
                out.add(atom);
            }
        }
        return out;
    }

    private Baseline pair(Object s, Object d) {
        if (s == UNKNOWN || d == UNKNOWN) {
            return Baseline.MIXED;
        }
        if (s == EXTERNAL && d == EXTERNAL) {
            return policy.settings().forwardPolicy() == ForwardPolicy.DROP ? Baseline.BLOCKED : Baseline.ALLOWED;
        }
        if (d == EXTERNAL) {
            return ((Network) s).internal() ? Baseline.BLOCKED : Baseline.ALLOWED;
        }
        Network dn = (Network) d;
        if (s == EXTERNAL) {
            return publishes(dn) ? Baseline.MIXED : Baseline.BLOCKED;
        }
        if (s == dn) {
            return dn.icc() ? Baseline.ALLOWED : Baseline.BLOCKED;
        }
        return Baseline.BLOCKED;
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
