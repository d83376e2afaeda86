package dev.netpolc.backend.iptables;

import dev.netpolc.backend.Comments;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.Protocol;
import dev.netpolc.ir.PublishedPort;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The rules Docker 18.03 to 27 create for bridge networks, for one address family: the user chain,
 * two-stage isolation between networks, a FORWARD block per bridge, icc, internal networks,
 * masquerade or SNAT, and published ports (DNAT, ACCEPT, hairpin MASQUERADE).
 *
 * <p>Docker inserts each network's rules at the top of their chain, so on a fresh daemon the
 * newest network comes first; netpolc writes networks in reverse declaration order to match a
 * daemon that created them in declaration order. Published ports are appended, so they follow
 * declaration order. Other drivers get no rules, as in Docker, except overlays: their bridge lives
 * in the host's namespace here (Docker gives it a namespace of its own), so it accepts its own
 * bridged traffic and drops whatever would be routed into or out of it.
 *
 * <p>The owned layout ({@link Layout#OWNED}) is the same rules in the same order, except that
 * what Docker writes into a built-in chain X goes into netpolc's chain PREFIX-X instead, reached by
 * one jump {@code -A X -j PREFIX-X} (see {@link #hook}), and that the PREFIX chain ends with one
 * {@code ! -i BR -o BR -j DROP} per bridge, as Docker 28 writes it, so that unpublished ports stay
 * closed whatever the policy of FORWARD, which the owned layout leaves to the host.
 */
final class DockerLayout {

    private final Policy policy;
    private final Family family;
    private final String docker;
    private final String stage1;
    private final String stage2;
    private final String user;
    private final boolean proxy;
    private final Map<String, Network> networks;
    private final boolean annotate;
    private final String builtin;
    private final boolean owned;
    private final String prefix;

    /** A published port with the container that published it, for its rules' comments. */
    private record Port(Container container, PublishedPort port) {}

    DockerLayout(Policy policy, Family family, boolean annotate, Layout layout) {
        this.policy = policy;
        this.family = family;
        this.owned = layout == Layout.OWNED;
        String prefix = policy.settings().chainPrefix();
        this.prefix = prefix;
        this.docker = prefix;
        this.stage1 = prefix + "-ISOLATION-STAGE-1";
        this.stage2 = prefix + "-ISOLATION-STAGE-2";
        this.user = prefix + "-USER";
        this.proxy = policy.settings().userlandProxy();
        this.networks = policy.networksByName();
        this.annotate = annotate;
        this.builtin = (policy.files().isEmpty() ? "" : policy.files().get(0) + " ")
                + (owned ? "built-in (owned layout)" : "built-in (Docker layout)");
    }

    /**
     * The chain that gets the rules Docker writes into the built-in chain {@code chain} of table
     * {@code t}: the built-in chain itself in Docker's layout; in the owned layout netpolc's chain
     * PREFIX-CHAIN, declared here with the one rule that jumps to it from the built-in chain.
     */
    private String hook(Ruleset.Table t, String chain) {
        if (!owned) {
            return chain;
        }
        String mine = prefix + "-" + chain;
        t.chain(mine, "-");
        add(t, builtin, Rule.in(chain).jump(mine));
        return mine;
    }

    /** Adds a rule, with a comment naming the network it is for when annotating. */
    private void add(Ruleset.Table t, Network source, Rule r) {
        add(t, annotate ? of(source) : null, r);
    }

    /** Adds a rule, with a comment naming the published port it is for when annotating. */
    private void add(Ruleset.Table t, Port source, Rule r) {
        add(t, annotate ? of(source) : null, r);
    }

    /** Adds a rule, with a comment naming its source when annotating. */
    private void add(Ruleset.Table t, String source, Rule r) {
        if (annotate) {
            r.comment(Comments.safe(source, Comments.IPTABLES_MAX));
        }
        t.add(r);
    }

    private static String of(Network n) {
        return Comments.at(n.span(), "network " + n.name());
    }

    private static String of(Port p) {
        PublishedPort pp = p.port();
        return Comments.at(pp.span(), p.container().name() + " publish " + (pp.hostAddress() == null ? "" : pp.hostAddress() + ":")
                + pp.hostPort() + "->" + pp.containerPort() + "/" + pp.protocol().keyword());
    }

    Ruleset build() {
        List<Network> bridges = new ArrayList<>();
        for (Network n : policy.networks()) {
            if (n.isBridge() && n.subnet(family).isPresent()) {
                bridges.add(n);
            }
        }
        List<Network> newestFirst = new ArrayList<>(bridges);
        Collections.reverse(newestFirst);
        List<Port> ports = new ArrayList<>();
        for (Container c : policy.containers()) {
            for (PublishedPort p : c.published()) {
                if (p.family() == family) {
                    ports.add(new Port(c, p));
                }
            }
        }
        Ruleset rs = new Ruleset();
        filter(rs.table("filter"), bridges, newestFirst, ports);
        nat(rs.table("nat"), newestFirst, ports);
        for (Port p : ports) {
            if (p.port().protocol() == Protocol.SCTP) {
                mangle(rs.table("mangle"), ports);
                break;
            }
        }
        return rs;
    }

    private void filter(Ruleset.Table t, List<Network> bridges, List<Network> newestFirst, List<Port> ports) {
        t.chain("INPUT", "ACCEPT").chain("FORWARD", policy.settings().forwardPolicy().name()).chain("OUTPUT", "ACCEPT");
        t.chain(docker, "-").chain(stage1, "-").chain(stage2, "-").chain(user, "-");
        String forward = hook(t, "FORWARD");

        List<Network> overlays = new ArrayList<>();
        for (Network n : policy.networks()) {
            if (n.driver() == Driver.OVERLAY && n.subnet(family).isPresent()) {
                overlays.add(n);
            }
        }
        add(t, builtin, Rule.in(forward).jump(user));
        if (!bridges.isEmpty() || !overlays.isEmpty()) {
            add(t, builtin, Rule.in(forward).jump(stage1));
        }
        for (Network n : newestFirst) {
            String br = n.bridgeName();
            if (n.internal()) {
                if (n.icc()) {
                    add(t, n, Rule.in(forward).inInterface(br).outInterface(br).jump("ACCEPT"));
                }
                continue;
            }
            add(t, n, Rule.in(forward).outInterface(br).match("-m conntrack --ctstate RELATED,ESTABLISHED").jump("ACCEPT"));
            add(t, n, Rule.in(forward).outInterface(br).jump(docker));
            add(t, n, Rule.in(forward).inInterface(br).notOutInterface(br).jump("ACCEPT"));
            if (n.icc()) {
                add(t, n, Rule.in(forward).inInterface(br).outInterface(br).jump("ACCEPT"));
            }
        }
        // An overlay's bridge is in the host's namespace here (Docker keeps it in a namespace of its
        // own): with br_netfilter its bridged traffic crosses this FORWARD chain, and the segment's
        // containers, on this node or another, must still meet.
        for (Network n : overlays) {
            add(t, n, Rule.in(forward).inInterface(n.bridgeName()).outInterface(n.bridgeName()).jump("ACCEPT"));
        }
        // Docker appends the icc DROP, so it comes after the accepting rules of every bridge.
        for (Network n : bridges) {
            if (!n.icc()) {
                add(t, n, Rule.in(forward).inInterface(n.bridgeName()).outInterface(n.bridgeName()).jump("DROP"));
            }
        }
        for (Port pp : ports) {
            PublishedPort p = pp.port();
            String br = bridgeOf(p);
            add(t, pp, Rule.in(docker).destination(p.containerAddress().hostCidr()).notInInterface(br).outInterface(br)
                    .destinationPort(p.protocol().keyword(), p.containerPort()).jump("ACCEPT"));
        }
        if (owned) {
            for (Network n : newestFirst) {
                if (!n.internal()) {
                    add(t, n, Rule.in(docker).notInInterface(n.bridgeName()).outInterface(n.bridgeName()).jump("DROP"));
                }
            }
        }
        for (Network n : newestFirst) {
            String br = n.bridgeName();
            if (n.internal()) {
                String subnet = n.subnet(family).orElseThrow().cidr().toString();
                add(t, n, Rule.in(stage1).notSource(subnet).outInterface(br).jump("DROP"));
                add(t, n, Rule.in(stage1).notDestination(subnet).inInterface(br).jump("DROP"));
            } else {
                add(t, n, Rule.in(stage1).inInterface(br).notOutInterface(br).jump(stage2));
            }
        }
        // ... and nothing is routed into or out of it, as nothing reaches Docker's overlay namespace
        for (Network n : overlays) {
            add(t, n, Rule.in(stage1).inInterface(n.bridgeName()).notOutInterface(n.bridgeName()).jump("DROP"));
            add(t, n, Rule.in(stage1).notInInterface(n.bridgeName()).outInterface(n.bridgeName()).jump("DROP"));
        }
        add(t, builtin, Rule.in(stage1).jump("RETURN"));
        for (Network n : newestFirst) {
            if (!n.internal()) {
                add(t, n, Rule.in(stage2).outInterface(n.bridgeName()).jump("DROP"));
            }
        }
        add(t, builtin, Rule.in(stage2).jump("RETURN"));
        PolicyRules rules = new PolicyRules(policy, family, annotate);
        rules.forward(t, user);
        add(t, builtin, Rule.in(user).jump("RETURN"));
        rules.hostChain(t, dev.netpolc.ir.RuleHook.INPUT);
        rules.hostChain(t, dev.netpolc.ir.RuleHook.OUTPUT);
    }

    private void nat(Ruleset.Table t, List<Network> newestFirst, List<Port> ports) {
        t.chain("PREROUTING", "ACCEPT").chain("INPUT", "ACCEPT").chain("OUTPUT", "ACCEPT").chain("POSTROUTING", "ACCEPT");
        t.chain(docker, "-");
        String prerouting = hook(t, "PREROUTING");
        String outputChain = hook(t, "OUTPUT");
        String postrouting = hook(t, "POSTROUTING");
        List<Network> external = new ArrayList<>();
        for (Network n : newestFirst) {
            if (!n.internal()) {
                external.add(n);
            }
        }
        // Docker adds the jumps to its nat chain with the first network that is not internal.
        if (!external.isEmpty()) {
            add(t, builtin, Rule.in(prerouting).match("-m addrtype --dst-type LOCAL").jump(docker));
            Rule output = Rule.in(outputChain);
            if (proxy) {
                output.notDestination(family == Family.IPV4 ? "127.0.0.0/8" : "::1/128");
            }
            add(t, builtin, output.match("-m addrtype --dst-type LOCAL").jump(docker));
        }
        for (Network n : external) {
            String br = n.bridgeName();
            String translate = n.snatSource() != null && family == Family.IPV4
                    ? "SNAT --to-source " + n.snatSource().text() : "MASQUERADE";
            if (!proxy) {
                add(t, n, Rule.in(postrouting).outInterface(br).match("-m addrtype --src-type LOCAL").jump(translate));
            }
            if (n.masquerade()) {
                add(t, n, Rule.in(postrouting).source(n.subnet(family).orElseThrow().cidr().toString())
                        .notOutInterface(br).jump(translate));
            }
        }
        for (Port pp : ports) {
            PublishedPort p = pp.port();
            String cip = p.containerAddress().hostCidr();
            add(t, pp, Rule.in(postrouting).source(cip).destination(cip)
                    .destinationPort(p.protocol().keyword(), p.containerPort()).jump("MASQUERADE"));
        }
        for (Network n : external) {
            if (n.masquerade() && proxy) {
                add(t, n, Rule.in(docker).inInterface(n.bridgeName()).jump("RETURN"));
            }
        }
        for (Port pp : ports) {
            PublishedPort p = pp.port();
            Rule dnat = Rule.in(docker);
            if (p.hostAddress() != null) {
                dnat.destination(p.hostAddress().hostCidr());
            }
            if (proxy) {
                dnat.notInInterface(bridgeOf(p));
            }
            add(t, pp, dnat.destinationPort(p.protocol().keyword(), p.hostPort())
                    .jump("DNAT --to-destination " + p.containerAddress().withPort(p.containerPort())));
        }
    }

    /** Docker fills SCTP checksums that a veth may leave to hardware which is not there. */
    private void mangle(Ruleset.Table t, List<Port> ports) {
        t.chain("PREROUTING", "ACCEPT").chain("INPUT", "ACCEPT").chain("FORWARD", "ACCEPT").chain("OUTPUT", "ACCEPT")
                .chain("POSTROUTING", "ACCEPT");
        String postrouting = hook(t, "POSTROUTING");
        for (Port pp : ports) {
            if (pp.port().protocol() == Protocol.SCTP) {
                add(t, pp, Rule.in(postrouting).sourcePort("sctp", pp.port().containerPort()).jump("CHECKSUM --checksum-fill"));
            }
        }
    }

    private String bridgeOf(PublishedPort p) {
        return networks.get(p.network()).bridgeName();
    }
}
