package dev.netpolc.cli;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PublishedPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two resolved policies, attribute by attribute: settings, networks and
 * containers added, removed or changed. Each change names the words (bridge names, addresses)
 * that identify its rules, so the caller can count the rules it added and removed.
 */
final class ModelDiff {

    /** One attribute that changed: its name and the old and new values as a person reads them. */
    record Attribute(String name, String oldValue, String newValue) {}

    /**
     * One changed object; {@code kind} is settings, network or container; {@code change} added,
     * removed or changed. Removed rules are the ones that name {@code oldWords}, added rules the
     * ones that name {@code newWords}.
     */
    record Change(String kind, String name, String change, List<Attribute> attributes, Set<String> oldWords,
            Set<String> newWords) {}

    private ModelDiff() {}

    static List<Change> diff(Policy oldP, Policy newP) {
        List<Change> out = new ArrayList<>();
        List<Attribute> settings = new ArrayList<>();
        compare(settings, "userland-proxy", onOff(oldP.settings().userlandProxy()), onOff(newP.settings().userlandProxy()));
        compare(settings, "chain-prefix", oldP.settings().chainPrefix(), newP.settings().chainPrefix());
        compare(settings, "forward-policy", oldP.settings().forwardPolicy().name().toLowerCase(java.util.Locale.ROOT),
                newP.settings().forwardPolicy().name().toLowerCase(java.util.Locale.ROOT));
        compare(settings, "nft-table", oldP.settings().nftTable(), newP.settings().nftTable());
        compare(settings, "uplink", String.join(", ", oldP.settings().uplinks()), String.join(", ", newP.settings().uplinks()));
        compare(settings, "uplink-mtu", str(oldP.settings().uplinkMtu()), str(newP.settings().uplinkMtu()));
        if (!settings.isEmpty()) {
            out.add(new Change("settings", "", "changed", settings, Set.of(), Set.of()));
        }
        Map<String, Network> oldN = oldP.networksByName();
        Map<String, Network> newN = newP.networksByName();
        for (Network n : oldP.networks()) {
            if (!newN.containsKey(n.name())) {
                out.add(new Change("network", n.name(), "removed", describe(n), words(n), Set.of()));
            }
        }
        for (Network n : newP.networks()) {
            Network o = oldN.get(n.name());
            if (o == null) {
                out.add(new Change("network", n.name(), "added", describe(n), Set.of(), words(n)));
                continue;
            }
            Map<String, String> before = attributes(o);
            Map<String, String> after = attributes(n);
            List<Attribute> changed = new ArrayList<>();
            for (String key : union(before.keySet(), after.keySet())) {
                compare(changed, key, before.getOrDefault(key, "-"), after.getOrDefault(key, "-"));
            }
            if (!changed.isEmpty()) {
                out.add(new Change("network", n.name(), "changed", changed, words(o), words(n)));
            }
        }
        Map<String, Container> oldC = byName(oldP.containers());
        Map<String, Container> newC = byName(newP.containers());
        for (Container c : oldP.containers()) {
            if (!newC.containsKey(c.name())) {
                out.add(new Change("container", c.name(), "removed", describe(c), words(c), Set.of()));
            }
        }
        for (Container c : newP.containers()) {
            Container o = oldC.get(c.name());
            if (o == null) {
                out.add(new Change("container", c.name(), "added", describe(c), Set.of(), words(c)));
                continue;
            }
            Map<String, String> before = attributes(o);
            Map<String, String> after = attributes(c);
            List<Attribute> changed = new ArrayList<>();
            for (String key : union(before.keySet(), after.keySet())) {
                compare(changed, key, before.getOrDefault(key, "-"), after.getOrDefault(key, "-"));
            }
            if (!changed.isEmpty()) {
                out.add(new Change("container", c.name(), "changed", changed, words(o), words(c)));
            }
        }
        rules(out, oldP, newP);
        return out;
    }

    /**
     * Policy rules, compared as written: a rule whose text is in one policy only is removed or
     * added (a moved rule is both, since order decides). Rules carry no words: their generated
     * lines are numbered by position, which any change before them shifts.
     */
    private static void rules(List<Change> out, Policy oldP, Policy newP) {
        List<String> oldT = oldP.rules().stream().map(ModelDiff::written).toList();
        List<String> newT = newP.rules().stream().map(ModelDiff::written).toList();
        if (oldT.equals(newT)) {
            return;
        }
        // the longest common subsequence keeps the rules that stayed in the same relative order
        int[][] lcs = new int[oldT.size() + 1][newT.size() + 1];
        for (int i = oldT.size() - 1; i >= 0; i--) {
            for (int j = newT.size() - 1; j >= 0; j--) {
                lcs[i][j] = oldT.get(i).equals(newT.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < oldT.size() || j < newT.size()) {
            if (i < oldT.size() && j < newT.size() && oldT.get(i).equals(newT.get(j))) {
                i++;
                j++;
            } else if (j < newT.size() && (i == oldT.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add(new Change("rule", newT.get(j), "added", List.of(new Attribute("line",
                        "-", Integer.toString(newP.rules().get(j).span().line()))), Set.of(), Set.of()));
                j++;
            } else {
                out.add(new Change("rule", oldT.get(i), "removed", List.of(new Attribute("line",
                        Integer.toString(oldP.rules().get(i).span().line()), "-")), Set.of(), Set.of()));
                i++;
            }
        }
    }

    private static String written(dev.netpolc.ir.PolicyRule r) {
        return r.text() + (r.comment() == null ? "" : " comment \"" + r.comment() + "\"");
    }

    private static Map<String, String> attributes(Network n) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("driver", n.driver().keyword());
        m.put("bridge", str(n.bridgeName()));
        m.put("subnet", n.ipv4() == null ? "-" : n.ipv4().cidr().toString());
        m.put("ip-range", n.ipv4() == null ? "-" : n.ipv4().ipRange().toString());
        m.put("gateway", n.ipv4() == null ? "-" : n.ipv4().gateway().text());
        m.put("ipv6 subnet", n.ipv6() == null ? "-" : n.ipv6().cidr().toString());
        m.put("ipv6 gateway", n.ipv6() == null ? "-" : n.ipv6().gateway().text());
        m.put("mtu", str(n.mtu()));
        if (n.isBridge()) {
            m.put("icc", onOff(n.icc()));
            m.put("masquerade", onOff(n.masquerade()));
            m.put("snat-source", n.snatSource() == null ? "-" : n.snatSource().text());
            m.put("host-binding", n.hostBinding() == null ? "-" : n.hostBinding().text());
        }
        m.put("internal", onOff(n.internal()));
        return m;
    }

    private static Map<String, String> attributes(Container c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("netns", c.netns());
        m.put("gateway network", str(c.gatewayNetwork()));
        for (Attachment a : c.attachments()) {
            m.put("attach " + a.network(), (a.interfaceName() == null ? "" : a.interfaceName() + " ")
                    + (a.ipv4() == null ? "" : a.ipv4() + " ") + (a.ipv6() == null ? "" : a.ipv6() + " ")
                    + (a.mac() == null ? "" : a.mac()));
        }
        for (PublishedPort p : c.published()) {
            m.put("publish " + port(p), "on");
        }
        return m;
    }

    static String port(PublishedPort p) {
        String host = p.hostAddress() == null ? String.valueOf(p.hostPort()) : p.hostAddress().withPort(p.hostPort());
        return host + " -> " + p.containerAddress().withPort(p.containerPort()) + "/" + p.protocol().keyword();
    }

    private static List<Attribute> describe(Network n) {
        List<Attribute> a = new ArrayList<>();
        attributes(n).forEach((k, v) -> {
            if (!v.equals("-")) {
                a.add(new Attribute(k, null, v));
            }
        });
        return a;
    }

    private static List<Attribute> describe(Container c) {
        List<Attribute> a = new ArrayList<>();
        attributes(c).forEach((k, v) -> a.add(new Attribute(k, null, v)));
        return a;
    }

    /** Words that appear in, and only in, the rules that serve this network: its bridge and subnets. */
    private static Set<String> words(Network n) {
        Set<String> w = new LinkedHashSet<>();
        if (n.bridgeName() != null) {
            w.add(n.bridgeName());
        }
        if (n.ipv4() != null) {
            w.add(n.ipv4().cidr().toString());
        }
        if (n.ipv6() != null) {
            w.add(n.ipv6().cidr().toString());
        }
        return w;
    }

    /** The container's addresses, as rules print them. */
    private static Set<String> words(Container c) {
        Set<String> w = new LinkedHashSet<>();
        for (Attachment a : c.attachments()) {
            if (a.ipv4() != null) {
                w.add(a.ipv4().text());
            }
            if (a.ipv6() != null) {
                w.add(a.ipv6().text());
            }
        }
        return w;
    }

    private static Map<String, Container> byName(List<Container> cs) {
        Map<String, Container> m = new LinkedHashMap<>();
        cs.forEach(c -> m.put(c.name(), c));
        return m;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new LinkedHashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static void compare(List<Attribute> out, String name, String a, String b) {
        if (!Objects.equals(a, b)) {
            out.add(new Attribute(name, a, b));
        }
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }

    private static String str(Object o) {
        return o == null ? "-" : o.toString();
    }
}
