package dev.netpolc.backend.nftables;

import dev.netpolc.backend.Comments;
import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.Cidrs;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.RuleHook;
import dev.netpolc.ir.RuleService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The policy's allow/deny/reject/log rules in the netpolc table: forwarded traffic in the
 * {@code user} chain (jumped to first from {@code forward}), traffic to the host in an
 * {@code input} chain, from the host in an {@code output} chain. An endpoint with several
 * addresses is one named interval set ({@code r3_src4} for rule 3's IPv4 sources), so a rule is one
 * line per family and service protocol however many addresses it names. {@code external} is "not
 * one of the policy's bridges" ({@code @bridges4} and {@code @internal4} hold them all).
 */
final class NftPolicyRules {

    private final Policy policy;
    private final boolean annotate;
    private final Function<String, NftSet> addressSet4;
    private final Function<String, NftSet> addressSet6;

    /**
     * @param addressSet4 makes a named IPv4 interval set in the table
     * @param addressSet6 the same for IPv6
     */
    NftPolicyRules(Policy policy, boolean annotate, Function<String, NftSet> addressSet4, Function<String, NftSet> addressSet6) {
        this.policy = policy;
        this.annotate = annotate;
        this.addressSet4 = addressSet4;
        this.addressSet6 = addressSet6;
    }

    boolean has(RuleHook hook) {
        return policy.rules().stream().anyMatch(r -> r.hook() == hook);
    }

    /** The rules of a chain: the connection-tracking shortcut, then every rule in source order. */
    List<String> chain(RuleHook hook) {
        List<String> out = new ArrayList<>();
        if (!has(hook)) {
            return out;
        }
        if (hook == RuleHook.INPUT) {
            out.add("iifname \"lo\" accept");
        } else if (hook == RuleHook.OUTPUT) {
            out.add("oifname \"lo\" accept");
        }
        out.add("ct state established,related accept");
        if (hook != RuleHook.FORWARD) {
            out.add("icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept");
        }
        for (PolicyRule r : policy.rules()) {
            if (r.hook() != hook) {
                continue;
            }
            java.util.Set<String> once = new java.util.HashSet<>();
            for (Family f : Family.values()) {
                if (r.applies(f)) {
                    rule(out, r, f, once);
                }
            }
        }
        return out;
    }

    /**
     * The lines of one rule for one family. A line that matches no address and no ICMP is the same
     * in both families: it is written once, without a family match ({@code once} remembers it).
     */
    private void rule(List<String> out, PolicyRule r, Family f, java.util.Set<String> once) {
        List<String> from = endpoint(r, r.from(), f, true);
        List<String> to = endpoint(r, r.to(), f, false);
        List<Service> services = services(r.services(), f);
        for (String s : from) {
            for (String d : to) {
                for (Service svc : services) {
                    String match = join(s, d, svc.match());
                    boolean addressed = !s.isEmpty() && !s.startsWith("iifname") && !s.startsWith("oifname")
                            || !d.isEmpty() && !d.startsWith("iifname") && !d.startsWith("oifname");
                    if (!addressed && !svc.familySpecific() && !once.add(match)) {
                        continue;
                    }
                    verdicts(out, r, match, svc);
                }
            }
        }
    }

    private void verdicts(List<String> out, PolicyRule r, String match, Service svc) {
        String log = r.log() ? "log prefix \"" + r.logPrefix() + "\" " : "";
        String comment = comment(r);
        switch (r.action()) {
            case ALLOW:
                out.add(join(match, log + "accept") + comment);
                break;
            case DENY:
                out.add(join(match, log + "drop") + comment);
                break;
            case REJECT:
                if (svc.protocol() == null) {
                    out.add(join(match, "meta l4proto tcp", log + "reject with tcp reset") + comment);
                    out.add(join(match, log + "reject") + comment);
                } else {
                    out.add(join(match, log + (svc.protocol().equals("tcp") ? "reject with tcp reset" : "reject")) + comment);
                }
                break;
            default:
                out.add(join(match, log.strip()) + comment);
                break;
        }
    }

    private String comment(PolicyRule r) {
        String text = annotate ? Comments.at(r.span(), r.text()) + (r.comment() == null ? "" : ": " + r.comment()) : r.comment();
        return text == null ? "" : " comment \"" + Comments.safe(text, Comments.NFTABLES_MAX) + "\"";
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (!p.isEmpty()) {
                b.append(b.length() == 0 ? "" : " ").append(p);
            }
        }
        return b.toString();
    }

    /** The alternatives of an endpoint: its addresses (one set), and "external". Empty string: anything. */
    private List<String> endpoint(PolicyRule r, RuleEndpoint e, Family f, boolean source) {
        List<String> alts = new ArrayList<>();
        if (e.any() || e.host()) {
            alts.add("");
            return alts;
        }
        String ip = f == Family.IPV4 ? "ip" : "ip6";
        String dir = source ? "saddr" : "daddr";
        List<Cidr> cidrs = e.cidrs(f);
        if (cidrs.size() == 1) {
            alts.add(ip + " " + dir + " " + element(cidrs.get(0)));
        } else if (!cidrs.isEmpty()) {
            String name = "r" + r.number() + "_" + (source ? "src" : "dst") + (f == Family.IPV4 ? "4" : "6");
            NftSet set = (f == Family.IPV4 ? addressSet4 : addressSet6).apply(name);
            for (Cidr c : cidrs) {
                set.add(element(c), null, Cidrs.first(c), null);
            }
            alts.add(ip + " " + dir + " @" + name);
        }
        if (e.external()) {
            boolean in = (source && r.hook() != RuleHook.OUTPUT) || (!source && r.hook() == RuleHook.INPUT);
            String iface = in ? "iifname" : "oifname";
            alts.add(iface + " != @bridges4 " + iface + " != @internal4");
        }
        return alts;
    }

    /** nft prints a one-address prefix as the address. */
    private static String element(Cidr c) {
        return c.prefix() == c.family().bits() ? c.address().text() : c.toString();
    }

    /** A service match; {@code protocol} null for every protocol; ICMP matches imply the family. */
    private record Service(String match, String protocol, boolean familySpecific) {}

    private static List<Service> services(List<RuleService> services, Family f) {
        List<Service> out = new ArrayList<>();
        if (services.isEmpty()) {
            out.add(new Service("", null, false));
            return out;
        }
        for (Map.Entry<String, List<RuleService>> e : RuleService.byProtocol(services).entrySet()) {
            String proto = e.getKey();
            List<RuleService> list = e.getValue();
            if (proto.equals("icmp")) {
                String icmp = f == Family.IPV4 ? "icmp" : "icmpv6";
                if (list.stream().anyMatch(s -> s.icmpType() == null)) {
                    out.add(new Service("meta l4proto " + (f == Family.IPV4 ? "icmp" : "ipv6-icmp"), "icmp", true));
                } else if (list.size() == 1) {
                    out.add(new Service(icmp + " type " + list.get(0).icmpType().keyword(), "icmp", true));
                } else {
                    List<RuleService> byNumber = new ArrayList<>(list);
                    byNumber.sort(Comparator.comparingInt(s -> s.icmpType().number(f)));
                    List<String> names = byNumber.stream().map(s -> s.icmpType().keyword()).distinct().toList();
                    out.add(new Service(icmp + " type { " + String.join(", ", names) + " }", "icmp", true));
                }
                continue;
            }
            if (list.stream().anyMatch(RuleService::allPorts)) {
                out.add(new Service("meta l4proto " + proto, proto, false));
                continue;
            }
            List<RuleService> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingInt(RuleService::low).thenComparingInt(RuleService::high));
            List<String> ports = sorted.stream().map(s -> s.low() == s.high() ? Integer.toString(s.low()) : s.low() + "-" + s.high())
                    .toList();
            String set = ports.size() == 1 ? ports.get(0) : "{ " + String.join(", ", ports) + " }";
            out.add(new Service(proto + " dport " + set, proto, false));
        }
        return out;
    }
}
