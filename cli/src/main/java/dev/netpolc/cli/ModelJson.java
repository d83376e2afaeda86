package dev.netpolc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import dev.netpolc.ir.SourceSpan;
import dev.netpolc.ir.Subnet;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * The resolved model as JSON, for {@code netpolc inspect --format json}: the schema is documented
 * in docs/cli.md. Keys keep a fixed order and absent values are {@code null}, so the output is
 * stable and diffs well.
 */
final class ModelJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelJson() {}

    /** The whole model, or only the networks and containers named in {@code only} (all when empty). */
    static String render(Policy p, Set<String> only) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", "netpolc-inspect/1");
        ArrayNode files = root.putArray("files");
        p.files().forEach(files::add);
        ObjectNode s = root.putObject("settings");
        s.put("userlandProxy", p.settings().userlandProxy());
        s.put("chainPrefix", p.settings().chainPrefix());
        s.put("forwardPolicy", p.settings().forwardPolicy().name().toLowerCase(Locale.ROOT));
        s.put("nftTable", p.settings().nftTable());
        ArrayNode uplinks = s.putArray("uplinks");
        p.settings().uplinks().forEach(uplinks::add);
        ArrayNode networks = root.putArray("networks");
        for (Network n : p.networks()) {
            if (only.isEmpty() || only.contains(n.name())) {
                networks.add(network(n, p));
            }
        }
        ArrayNode containers = root.putArray("containers");
        for (Container c : p.containers()) {
            if (only.isEmpty() || only.contains(c.name())) {
                containers.add(container(c));
            }
        }
        if (only.isEmpty()) {
            ArrayNode rules = root.putArray("rules");
            p.rules().forEach(r -> rules.add(rule(r)));
        }
        try {
            return MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode rule(dev.netpolc.ir.PolicyRule r) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("number", r.number());
        o.put("text", r.text());
        o.put("action", r.action().keyword());
        o.put("log", r.log());
        o.put("logPrefix", r.logPrefix());
        o.put("hook", r.hook().name().toLowerCase(Locale.ROOT));
        o.set("from", endpoint(r.from()));
        o.set("to", endpoint(r.to()));
        ArrayNode services = o.putArray("services");
        r.services().forEach(s -> services.add(s.toString()));
        o.put("comment", r.comment());
        o.put("source", r.span().file() + ":" + r.span().line() + ":" + r.span().column());
        return o;
    }

    private static ObjectNode endpoint(dev.netpolc.ir.RuleEndpoint e) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("text", e.text());
        o.put("any", e.any());
        o.put("host", e.host());
        o.put("external", e.external());
        ArrayNode cidrs = o.putArray("addresses");
        e.cidrs().forEach(c -> cidrs.add(c.toString()));
        return o;
    }

    private static ObjectNode network(Network n, Policy p) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", n.name());
        o.put("driver", n.driver().keyword());
        o.put("bridge", n.bridgeName());
        o.set("ipv4", subnet(n.ipv4()));
        o.set("ipv6", subnet(n.ipv6()));
        if (n.mtu() == null) {
            o.putNull("mtu");
        } else {
            o.put("mtu", n.mtu());
        }
        o.put("icc", n.icc());
        o.put("masquerade", n.masquerade());
        o.put("snatSource", text(n.snatSource()));
        o.put("internal", n.internal());
        o.put("hostBinding", text(n.hostBinding()));
        if (n.macvlan() == null) {
            o.putNull("macvlan");
        } else {
            ObjectNode m = o.putObject("macvlan");
            m.put("parent", n.macvlan().parent());
            m.put("mode", n.macvlan().mode());
            if (n.macvlan().vlan() == null) {
                m.putNull("vlan");
            } else {
                m.put("vlan", n.macvlan().vlan());
            }
            m.put("device", n.macvlan().effectiveParent());
        }
        if (n.overlay() == null) {
            o.putNull("overlay");
        } else {
            ObjectNode v = o.putObject("overlay");
            v.put("vxlanId", n.overlay().vxlanId());
            v.put("underlay", n.overlay().underlay());
            ArrayNode peers = v.putArray("peers");
            n.overlay().peers().forEach(a -> peers.add(a.text()));
        }
        ArrayNode members = o.putArray("containers");
        for (Container c : p.containers()) {
            if (c.attachments().stream().anyMatch(a -> a.network().equals(n.name()))) {
                members.add(c.name());
            }
        }
        o.put("declaredAt", where(n.span()));
        return o;
    }

    private static ObjectNode subnet(Subnet s) {
        if (s == null) {
            return null;
        }
        ObjectNode o = MAPPER.createObjectNode();
        o.put("subnet", s.cidr().toString());
        o.put("ipRange", s.ipRange().toString());
        o.put("gateway", s.gateway().text());
        return o;
    }

    private static ObjectNode container(Container c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("name", c.name());
        o.put("netns", c.netns());
        o.put("gatewayNetwork", c.gatewayNetwork());
        ArrayNode ifs = o.putArray("interfaces");
        for (Attachment a : c.attachments()) {
            ObjectNode i = ifs.addObject();
            i.put("network", a.network());
            i.put("name", a.interfaceName());
            i.put("hostVeth", a.hostVeth());
            i.put("ipv4", text(a.ipv4()));
            i.put("ipv6", text(a.ipv6()));
            i.put("mac", a.mac());
            i.put("declaredAt", where(a.span()));
        }
        ArrayNode ports = o.putArray("ports");
        for (PublishedPort pp : c.published()) {
            ObjectNode j = ports.addObject();
            j.put("protocol", pp.protocol().keyword());
            j.put("hostAddress", text(pp.hostAddress()));
            j.put("hostPort", pp.hostPort());
            j.put("containerAddress", pp.containerAddress().text());
            j.put("containerPort", pp.containerPort());
            j.put("network", pp.network());
            j.put("declaredAt", where(pp.span()));
        }
        o.put("declaredAt", where(c.span()));
        return o;
    }

    private static String text(IpAddr a) {
        return a == null ? null : a.text();
    }

    private static String where(SourceSpan s) {
        return s.toString();
    }

    /** Names asked for that are neither a network nor a container. */
    static Collection<String> unknown(Policy p, Set<String> names) {
        return names.stream().filter(n -> p.network(n).isEmpty() && p.container(n).isEmpty()).sorted().toList();
    }
}
