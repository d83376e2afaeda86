package dev.netpolc.cli.apply;

import dev.netpolc.backend.iplink.HostPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The links and container namespaces netpolc owns: those whose alias (the loopback's alias, for a
 * namespace) carries a mark {@code netpolc:KIND:NAME}, set by the iplink scripts when they create
 * them. Nothing without a mark is ever changed or deleted.
 */
final class Links {

    static final String MARK = "netpolc:";
    /** The order in which stale links go: ports before the bridges they are attached to. */
    private static final List<String> KINDS = List.of("veth", "macvlan", "vxlan", "bridge", "vlan");

    private Links() {}

    /** A marked link on the host, or a marked container namespace ({@code netns} true). */
    record Owned(String name, String mark, boolean netns) {
        String kind() {
            String rest = mark.substring(MARK.length());
            int colon = rest.indexOf(':');
            return colon < 0 ? rest : rest.substring(0, colon);
        }

        String describe() {
            return (netns ? "namespace " : "link ") + name + " (" + mark + ")";
        }
    }

    /** What the policy declares: host links by mark, and container namespaces by mark. */
    static Map<String, Owned> declared(HostPlan plan, String containerPrefix) {
        Map<String, Owned> out = new LinkedHashMap<>();
        plan.vlans().forEach(v -> out.put(v.mark(), new Owned(v.name(), v.mark(), false)));
        plan.bridges().forEach(b -> out.put(b.mark(), new Owned(b.name(), b.mark(), false)));
        plan.vxlans().forEach(x -> out.put(x.mark(), new Owned(x.name(), x.mark(), false)));
        for (HostPlan.ContainerView c : plan.containers()) {
            if (c.netns() == null) {
                continue;
            }
            out.put(c.mark(), new Owned(containerPrefix + c.netns(), c.mark(), true));
            for (HostPlan.InterfaceView i : c.interfaces()) {
                if (i.veth()) {
                    out.put(i.mark(), new Owned(i.hostVeth(), i.mark(), false));
                }
            }
        }
        return out;
    }

    /** What the host has: marked links, and marked namespaces whose names start with the prefix. */
    static Map<String, Owned> present(Host host) throws ApplyException {
        Map<String, Owned> out = new LinkedHashMap<>();
        Host.Result links = host.run(null, "ip", "-o", "link", "show");
        if (!links.ok()) {
            throw new ApplyException("cannot list the links of " + host.describe() + ": " + links.reason());
        }
        for (String line : links.out().split("\n")) {
            Owned o = parse(line, false);
            if (o != null) {
                out.put(o.mark(), o);
            }
        }
        Host.Result list = host.run(null, "ip", "netns", "list");
        List<String> candidates = new ArrayList<>(List.of("sh", "-c",
                "for ns; do echo \"netns: $ns\"; ip -n \"$ns\" -o link show lo 2>/dev/null; done", "sh"));
        if (list.ok()) {
            for (String line : list.out().split("\n")) {
                String ns = line.split(" ")[0].strip();
                if (!ns.isEmpty() && ns.startsWith(host.containerPrefix()) && !ns.equals(host.netns())) {
                    candidates.add(ns);
                }
            }
        }
        if (candidates.size() > 4) {
            // One shell for every namespace's loopback, rather than one process pair per namespace.
            Host.Result lo = host.run(null, candidates);
            String ns = null;
            for (String line : lo.out().split("\n")) {
                if (line.startsWith("netns: ")) {
                    ns = line.substring(7);
                    continue;
                }
                Owned o = ns == null ? null : parse(line.strip(), true);
                if (o != null) {
                    out.put(o.mark(), new Owned(ns, o.mark(), true));
                }
            }
        }
        return out;
    }

    /** One line of 'ip -o link show': its name and netpolc mark, or null when it has none. */
    static Owned parse(String line, boolean netns) {
        int alias = line.indexOf("    alias " + MARK);
        int colon = line.indexOf(": ");
        if (alias < 0 || colon < 0) {
            return null;
        }
        String rest = line.substring(colon + 2);
        int end = rest.indexOf(':');
        String name = end < 0 ? rest : rest.substring(0, end);
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        String mark = line.substring(alias + "    alias ".length());
        int stop = mark.indexOf('\\');
        mark = (stop < 0 ? mark : mark.substring(0, stop)).strip();
        return new Owned(name, mark, netns);
    }

    /** Plan lines: what the setup creates and what goes. */
    static List<String> plan(Map<String, Owned> present, Map<String, Owned> declared) {
        List<String> lines = new ArrayList<>();
        declared.forEach((mark, o) -> {
            Owned p = present.get(mark);
            if (p == null) {
                lines.add("+ " + o.describe());
            } else if (!p.name().equals(o.name())) {
                lines.add("~ " + o.describe() + ", now named " + p.name());
            }
        });
        present.forEach((mark, o) -> {
            if (!declared.containsKey(mark)) {
                lines.add("- " + o.describe());
            }
        });
        return lines;
    }

    /** Deletes what carries a mark the policy no longer declares: namespaces first, then links. */
    static void removeStale(Host host, Map<String, Owned> present, Map<String, Owned> declared) throws ApplyException {
        List<Owned> stale = new ArrayList<>();
        present.forEach((mark, o) -> {
            Owned d = declared.get(mark);
            if (d == null || !d.name().equals(o.name())) {
                stale.add(o);
            }
        });
        for (Owned o : stale) {
            if (o.netns()) {
                Host.Result r = host.run(null, "ip", "netns", "del", o.name());
                if (!r.ok()) {
                    throw new ApplyException("cannot delete namespace " + o.name() + ": " + r.reason());
                }
            }
        }
        for (String kind : KINDS) {
            for (Owned o : stale) {
                if (!o.netns() && o.kind().equals(kind)) {
                    Host.Result r = host.run(null, "ip", "link", "del", o.name());
                    // A veth goes with its peer's namespace: already gone is what was wanted.
                    if (!r.ok() && !r.err().contains("Cannot find device")) {
                        throw new ApplyException("cannot delete " + o.describe() + ": " + r.reason());
                    }
                }
            }
        }
    }

    /** Runs a setup script (the iplink-batch target) in the namespace. */
    static void setup(Host host, String script) throws ApplyException {
        Path file = null;
        try {
            file = Files.createTempFile("netpolc-apply", ".sh");
            Files.writeString(file, script);
            Host.Result r = host.run(null, "env", "NETPOLC_NETNS_PREFIX=" + host.containerPrefix(), "sh",
                    file.toString());
            if (!r.ok()) {
                throw new ApplyException("the link setup script failed: " + r.reason());
            }
        } catch (IOException e) {
            throw new ApplyException("cannot write the link setup script: " + e.getMessage());
        } finally {
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                // harmless
            }
        }
    }
}
