package dev.netpolc.compiler.lint;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.HostSettings;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleAction;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.SourceSpan;
import dev.netpolc.ir.Subnet;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The lint checks, one class each, in the order of their codes. */
public final class Checks {

    private Checks() {}

    /** Every check, in code order. */
    public static final List<LintCheck> ALL = List.of(new UnusedNetwork(), new IccOffFewContainers(),
            new MasqueradeOffNeedsRoute(), new StaticAddressInRange(), new GatewayInRange(), new Docker0WithPrefix(),
            new MtuAboveUplink(), new UnusedInclude(), new EphemeralHostPort(), new GatewayNotFirstAttach(),
            new InternalIpv6NdDropped(), new ShadowedRule(), new RedundantRule(), new UselessRule(),
            new OverlappingRules(), new ReportedByLinter(DiagnosticCode.UNUSED_SUPPRESSION, "unused-suppression"),
            new ReportedByLinter(DiagnosticCode.SUPPRESSION_WITHOUT_REASON, "suppression-without-reason"));

    /**
     * NP3016 and NP3017, about inline suppressions: {@link Linter} reports them once every other
     * check has run (see {@link Suppressions}); here they are listed, enabled and disabled like the others.
     */
    static final class ReportedByLinter extends Check {
        ReportedByLinter(DiagnosticCode code, String name) {
            super(code, name);
        }

        @Override
        public List<Diagnostic> check(LintContext ctx) {
            return List.of();
        }
    }

    /** "line 12 ('allow web -> db')": how a check names another rule. */
    static String describe(PolicyRule r) {
        return r.span().file() + ":" + r.span().line() + " ('" + r.text() + "')";
    }

    /** NP3012: a rule an earlier terminal rule covers entirely. */
    static final class ShadowedRule extends Check {
        ShadowedRule() {
            super(DiagnosticCode.SHADOWED_RULE, "shadowed-rule");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            RuleSpace space = ctx.ruleSpace();
            List<PolicyRule> rules = ctx.policy().rules();
            for (int j = 0; j < rules.size(); j++) {
                for (int i = 0; i < j; i++) {
                    PolicyRule earlier = rules.get(i);
                    if (earlier.action().terminal() && space.contains(earlier, rules.get(j))) {
                        out.add(warn(code(), rules.get(j).span(), "this rule never matches: every connection it matches is "
                                        + decided(earlier) + " first by the rule at " + describe(earlier),
                                Note.help("remove it, or move it above the rule at line " + earlier.span().line())));
                        break;
                    }
                }
            }
            return out;
        }
    }

    private static String decided(PolicyRule r) {
        switch (r.action()) {
            case ALLOW:
                return "allowed";
            case REJECT:
                return "rejected";
            default:
                return "denied";
        }
    }

    /** NP3013: a rule whose connections a later rule with the same verdict decides the same way. */
    static final class RedundantRule extends Check {
        RedundantRule() {
            super(DiagnosticCode.REDUNDANT_RULE, "redundant-rule");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            RuleSpace space = ctx.ruleSpace();
            List<PolicyRule> rules = ctx.policy().rules();
            for (int i = 0; i < rules.size(); i++) {
                PolicyRule r = rules.get(i);
                if (!r.action().terminal() || r.log() || shadowed(space, rules, i)) {
                    continue;
                }
                for (int j = i + 1; j < rules.size(); j++) {
                    PolicyRule later = rules.get(j);
                    if (later.action().terminal() && later.action() != r.action() && space.overlap(later, r)) {
                        break; // a different verdict comes in between: the order matters
                    }
                    if (later.action() == r.action() && !later.log() && space.contains(later, r)) {
                        out.add(warn(code(), r.span(), "this rule is redundant: the rule at " + describe(later)
                                        + " decides the same connections the same way",
                                Note.help("remove this rule")));
                        break;
                    }
                }
            }
            return out;
        }
    }

    static boolean shadowed(RuleSpace space, List<PolicyRule> rules, int j) {
        for (int i = 0; i < j; i++) {
            if (rules.get(i).action().terminal() && space.contains(rules.get(i), rules.get(j))) {
                return true;
            }
        }
        return false;
    }

    /** NP3014: an allow of what Docker already allows, or a deny of what it already blocks. */
    static final class UselessRule extends Check {
        UselessRule() {
            super(DiagnosticCode.USELESS_RULE, "useless-rule");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            RuleSpace space = ctx.ruleSpace();
            List<PolicyRule> rules = ctx.policy().rules();
            for (int i = 0; i < rules.size(); i++) {
                PolicyRule r = rules.get(i);
                if (!r.action().terminal() || r.log() || shadowed(space, rules, i)) {
                    continue;
                }
                boolean allow = r.action() == RuleAction.ALLOW;
                RuleSpace.Baseline wanted = allow ? RuleSpace.Baseline.ALLOWED : RuleSpace.Baseline.BLOCKED;
                if (space.baseline(r) != wanted) {
                    continue;
                }
                boolean needed = false;
                for (int j = i + 1; j < rules.size() && !needed; j++) {
                    PolicyRule later = rules.get(j);
                    needed = later.action().terminal() && (later.action() == RuleAction.ALLOW) != allow && space.overlap(later, r);
                }
                if (!needed) {
                    out.add(warn(code(), r.span(), allow
                                    ? "this allow changes nothing: Docker's rules already let these connections through"
                                    : "this " + r.action().keyword() + " changes nothing: Docker's rules already block these connections",
                            Note.note(allow ? "containers of a network with icc on talk to each other, and a network that is not"
                                    + " internal reaches the outside" : "networks are isolated from each other, and the outside"
                                    + " reaches only published ports"),
                            Note.help("remove the rule, or keep it as documentation and disable " + code().id() + " for this policy")));
                }
            }
            return out;
        }
    }

    /** NP3015: two rules with opposite verdicts that share some connections, neither holding the other. */
    static final class OverlappingRules extends Check {
        OverlappingRules() {
            super(DiagnosticCode.OVERLAPPING_RULES, "overlapping-rules");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            RuleSpace space = ctx.ruleSpace();
            List<PolicyRule> rules = ctx.policy().rules();
            for (int j = 0; j < rules.size(); j++) {
                PolicyRule r = rules.get(j);
                if (!r.action().terminal()) {
                    continue;
                }
                for (int i = 0; i < j; i++) {
                    PolicyRule e = rules.get(i);
                    boolean opposite = e.action().terminal() && (e.action() == RuleAction.ALLOW) != (r.action() == RuleAction.ALLOW);
                    if (opposite && space.overlap(e, r) && !space.contains(e, r) && !space.contains(r, e)) {
                        out.add(warn(code(), r.span(), "this rule partly overlaps the rule at " + describe(e)
                                        + ", which has the opposite verdict",
                                Note.note("for the connections both match, the rule at line " + e.span().line() + " decides"),
                                Note.help("narrow one of the rules so they no longer overlap, or make one hold the other")));
                        break;
                    }
                }
            }
            return out;
        }
    }

    /** A check with its code and name fixed when it is made. */
    abstract static class Check implements LintCheck {
        private final DiagnosticCode code;
        private final String name;

        Check(DiagnosticCode code, String name) {
            this.code = code;
            this.name = name;
        }

        @Override
        public final DiagnosticCode code() {
            return code;
        }

        @Override
        public final String name() {
            return name;
        }
    }

    static Diagnostic warn(DiagnosticCode code, SourceSpan span, String message, Note... notes) {
        return Diagnostic.of(code, span, message, notes);
    }

    /** NP3001: a network no container uses. */
    static final class UnusedNetwork extends Check {
        UnusedNetwork() {
            super(DiagnosticCode.UNUSED_NETWORK, "unused-network");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Network n : ctx.policy().networks()) {
                if (ctx.members(n.name()).isEmpty() && !n.name().equals("bridge")) {
                    out.add(warn(code(), n.span(), "no container is attached to network '" + n.name() + "'",
                            Note.note("its bridge and rules are still created"),
                            Note.help("attach a container to it, or remove it")));
                }
            }
            return out;
        }
    }

    /** NP3002: icc off where there is nobody to keep apart. */
    static final class IccOffFewContainers extends Check {
        IccOffFewContainers() {
            super(DiagnosticCode.ICC_OFF_FEW_CONTAINERS, "icc-off-few-containers");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Network n : ctx.policy().networks()) {
                int count = ctx.members(n.name()).size();
                if (n.isBridge() && !n.icc() && count < 2) {
                    out.add(warn(code(), n.span(), "icc is off on network '" + n.name() + "', which has "
                            + (count == 0 ? "no container" : "one container"),
                            Note.note("icc off only keeps containers of one network apart; it needs br_netfilter on the host"),
                            Note.help("remove 'icc off', or check that the containers you meant are attached")));
                }
            }
            return out;
        }
    }

    /** NP3003: masquerade off, so the upstream must route the subnet back. */
    static final class MasqueradeOffNeedsRoute extends Check {
        MasqueradeOffNeedsRoute() {
            super(DiagnosticCode.MASQUERADE_OFF_NEEDS_ROUTE, "masquerade-off-needs-route");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Network n : ctx.policy().networks()) {
                if (n.isBridge() && !n.internal() && !n.masquerade()) {
                    List<String> routes = new ArrayList<>();
                    for (Family f : Family.values()) {
                        n.subnet(f).ifPresent(s -> routes.add(s.cidr() + " via this host"));
                    }
                    out.add(warn(code(), n.span(), "containers of network '" + n.name()
                            + "' reach outside with their own addresses (masquerade is off)",
                            Note.note("replies only come back if the next router has a route to " + String.join(" and ", routes)),
                            Note.help("add that route upstream, or remove 'masquerade off'")));
                }
            }
            return out;
        }
    }

    /** NP3004: a static address inside the dynamic range. */
    static final class StaticAddressInRange extends Check {
        StaticAddressInRange() {
            super(DiagnosticCode.STATIC_ADDRESS_IN_RANGE, "static-address-in-range");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Network n : ctx.policy().networks()) {
                for (Family f : Family.values()) {
                    Subnet s = n.subnet(f).orElse(null);
                    if (s == null || s.ipRange().equals(s.cidr())) {
                        continue;
                    }
                    for (Container c : ctx.members(n.name())) {
                        for (Attachment a : c.attachments()) {
                            IpAddr addr = f == Family.IPV4 ? a.ipv4() : a.ipv6();
                            boolean written = f == Family.IPV4 ? a.staticIpv4() : a.staticIpv6();
                            if (a.network().equals(n.name()) && addr != null && written
                                    && inCidr(addr, s.ipRange().address(), s.ipRange().prefix())) {
                                out.add(warn(code(), a.span(), "static address " + addr + " of container '" + c.name()
                                        + "' is inside ip-range " + s.ipRange() + " of network '" + n.name() + "'",
                                        Note.note("netpolc skips it, but a Docker daemon allocating from the same range may hand it out"),
                                        Note.help("choose an address in " + s.cidr() + " outside " + s.ipRange())));
                            }
                        }
                    }
                }
            }
            return out;
        }
    }

    /** NP3005: the gateway inside the dynamic range. */
    static final class GatewayInRange extends Check {
        GatewayInRange() {
            super(DiagnosticCode.GATEWAY_IN_RANGE, "gateway-in-range");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Network n : ctx.policy().networks()) {
                for (Family f : Family.values()) {
                    Subnet s = n.subnet(f).orElse(null);
                    if (s != null && !s.ipRange().equals(s.cidr()) && inCidr(s.gateway(), s.ipRange().address(), s.ipRange().prefix())) {
                        out.add(warn(code(), n.span(), "gateway " + s.gateway() + " of network '" + n.name()
                                + "' is inside its ip-range " + s.ipRange(),
                                Note.note("the range then has one address fewer than it looks"),
                                Note.help("put the gateway outside " + s.ipRange())));
                    }
                }
            }
            return out;
        }
    }

    /** NP3006: Docker's bridge name while netpolc's chains are not Docker's. */
    static final class Docker0WithPrefix extends Check {
        Docker0WithPrefix() {
            super(DiagnosticCode.DOCKER0_WITH_PREFIX, "docker0-with-prefix");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            String prefix = ctx.policy().settings().chainPrefix();
            if (prefix.equals(HostSettings.DEFAULT_CHAIN_PREFIX)) {
                return out;
            }
            for (Network n : ctx.policy().networks()) {
                if ("docker0".equals(n.bridgeName())) {
                    out.add(warn(code(), n.span(), "network '" + n.name() + "' uses the bridge docker0, but the chains are "
                            + prefix + ", not DOCKER",
                            Note.note("a Docker daemon on the same host creates docker0 too, with its own rules"),
                            Note.help("give the network another bridge-name, or keep chain-prefix DOCKER if netpolc replaces Docker")));
                }
            }
            return out;
        }
    }

    /** NP3007: a network MTU above the uplink's. */
    static final class MtuAboveUplink extends Check {
        MtuAboveUplink() {
            super(DiagnosticCode.MTU_ABOVE_UPLINK, "mtu-above-uplink");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            Integer uplink = ctx.policy().settings().uplinkMtu();
            for (Network n : ctx.policy().networks()) {
                if (uplink != null && n.mtu() != null && n.mtu() > uplink && !n.internal()) {
                    out.add(warn(code(), n.span(), "mtu " + n.mtu() + " of network '" + n.name() + "' is above the uplink's "
                            + uplink, Note.note("packets leaving the host are fragmented or, with DF set, dropped"),
                            Note.help("set the network's mtu to " + uplink + " or less")));
                }
            }
            return out;
        }
    }

    /** NP3008: an include that adds nothing the policy uses. */
    static final class UnusedInclude extends Check {
        UnusedInclude() {
            super(DiagnosticCode.UNUSED_INCLUDE, "unused-include");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            Set<String> usedFiles = new HashSet<>();
            for (Container c : ctx.policy().containers()) {
                usedFiles.add(c.span().file());
                for (Attachment a : c.attachments()) {
                    ctx.policy().network(a.network()).ifPresent(n -> usedFiles.add(n.span().file()));
                }
            }
            for (var inc : ctx.includes()) {
                if (inc.repeated()) {
                    out.add(warn(code(), inc.span(), "'" + inc.file() + "' is already included; this include changes nothing",
                            Note.help("remove this include")));
                } else if (!usedFiles.contains(inc.file()) && !includesUsed(ctx, inc.file(), usedFiles)) {
                    out.add(warn(code(), inc.span(), "nothing declared in '" + inc.file() + "' is used",
                            Note.note("its networks have no containers and it declares no container"),
                            Note.help("remove the include, or attach containers to its networks")));
                }
            }
            return out;
        }

        /** Whether a file that the include brings in (directly or further down) is used. */
        private static boolean includesUsed(LintContext ctx, String file, Set<String> used) {
            for (var inc : ctx.includes()) {
                if (inc.span().file().equals(file) && !inc.repeated()
                        && (used.contains(inc.file()) || includesUsed(ctx, inc.file(), used))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** NP3009: a host port the kernel may also hand out to outgoing connections. */
    static final class EphemeralHostPort extends Check {
        /** Linux's default net.ipv4.ip_local_port_range. */
        static final int FIRST = 32768;
        static final int LAST = 60999;

        EphemeralHostPort() {
            super(DiagnosticCode.EPHEMERAL_HOST_PORT, "ephemeral-host-port");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            Set<SourceSpan> reported = new HashSet<>();
            for (Container c : ctx.policy().containers()) {
                for (PublishedPort p : c.published()) {
                    if (p.hostPort() >= FIRST && p.hostPort() <= LAST && reported.add(p.span())) {
                        out.add(warn(code(), p.span(), "host port " + p.hostPort() + " of container '" + c.name()
                                + "' is in the ephemeral range " + FIRST + "-" + LAST,
                                Note.note("the kernel picks source ports of outgoing connections from that range; one may hold the port first"),
                                Note.help("publish on a port below " + FIRST + ", or reserve it with net.ipv4.ip_local_reserved_ports")));
                    }
                }
            }
            return out;
        }
    }

    /** NP3010: Docker's choice of the gateway network is not the first attach. */
    static final class GatewayNotFirstAttach extends Check {
        GatewayNotFirstAttach() {
            super(DiagnosticCode.GATEWAY_NOT_FIRST_ATTACH, "gateway-not-first-attach");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            for (Container c : ctx.policy().containers()) {
                if (c.attachments().size() < 2 || c.gatewayNetwork() == null) {
                    continue;
                }
                Attachment first = c.attachments().get(0);
                if (!first.network().equals(c.gatewayNetwork())) {
                    boolean internal = ctx.policy().network(first.network()).map(Network::internal).orElse(false);
                    out.add(warn(code(), first.span(), "container '" + c.name() + "' attaches '" + first.network()
                            + "' first, but its default route and published ports go through '" + c.gatewayNetwork() + "'",
                            Note.note(internal ? "'" + first.network() + "' is internal, and internal networks never carry the default route"
                                    : "Docker picks the gateway network by name among non-internal networks (dual-stack first), not by attach order"),
                            Note.help("if '" + c.gatewayNetwork() + "' is right, attach it first to say so")));
                }
            }
            return out;
        }
    }

    /**
     * NP3011: icc off anywhere makes the host filter bridged traffic (br_netfilter); then Docker's
     * internal-network rule "! -d SUBNET -i BRIDGE -j DROP" also drops IPv6 neighbour discovery,
     * which goes to multicast, and the containers of an internal network cannot reach each other
     * over IPv6. The kernel lab shows it.
     */
    static final class InternalIpv6NdDropped extends Check {
        InternalIpv6NdDropped() {
            super(DiagnosticCode.INTERNAL_IPV6_ND_DROPPED, "internal-ipv6-nd-dropped");
        }

        public List<Diagnostic> check(LintContext ctx) {
            List<Diagnostic> out = new ArrayList<>();
            Network iccOff = ctx.policy().networks().stream().filter(n -> n.isBridge() && !n.icc()).findFirst().orElse(null);
            if (iccOff == null) {
                return out;
            }
            for (Network n : ctx.policy().networks()) {
                if (n.isBridge() && n.internal() && n.ipv6() != null && ctx.members(n.name()).size() > 1) {
                    out.add(warn(code(), n.span(), "containers of internal network '" + n.name()
                            + "' cannot reach each other over IPv6 on this host",
                            Note.note("'icc off' on network '" + iccOff.name() + "' makes bridged traffic pass ip6tables; then the"
                                    + " internal rule '! -d " + n.ipv6().cidr() + " -i " + n.bridgeName() + " -j DROP' also drops"
                                    + " neighbour discovery, which goes to a multicast address (Docker behaves the same)"),
                            Note.help("use IPv4 between them, or avoid icc off on this host")));
                }
            }
            return out;
        }
    }

    static boolean inCidr(IpAddr a, IpAddr network, int prefix) {
        try {
            byte[] x = InetAddress.getByName(a.text()).getAddress();
            byte[] n = InetAddress.getByName(network.text()).getAddress();
            if (x.length != n.length) {
                return false;
            }
            int bits = x.length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .xor(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
            return new BigInteger(1, x).and(mask).equals(new BigInteger(1, n).and(mask));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
