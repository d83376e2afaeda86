package dev.netpolc.cli.apply;

import dev.netpolc.backend.iplink.HostPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * What apply keeps of a host link besides its existence: its MTU, the bridge it is a port of
     * (null: none), its addresses of global scope (sorted; link-local ones are the kernel's) and
     * whether it is administratively up.
     */
    record Attrs(int mtu, String master, List<String> addresses, boolean up) {}

    /** What the policy says of an owned host link; a null MTU is not checked. */
    record Want(Integer mtu, String master, List<String> addresses, java.util.Set<String> ipv6) {}

    /** Docker's MTU for a bridge or veth when the network sets none. */
    static final int DEFAULT_MTU = 1500;

    /** What the policy says of each host link it declares, by mark (VLAN sub-interfaces are used as they are). */
    static Map<String, Want> wanted(HostPlan plan) {
        Map<String, Want> out = new LinkedHashMap<>();
        for (HostPlan.BridgeView b : plan.bridges()) {
            java.util.Set<String> v6 = new java.util.TreeSet<>();
            List<String> addrs = new ArrayList<>();
            for (HostPlan.AddrView a : b.addresses()) {
                addrs.add(a.cidr());
                if (a.ipv6()) {
                    v6.add(a.cidr());
                }
            }
            addrs.sort(null);
            out.put(b.mark(), new Want(b.mtu() == null ? DEFAULT_MTU : b.mtu(), null, List.copyOf(addrs), v6));
        }
        plan.vxlans().forEach(x -> out.put(x.mark(), new Want(x.mtu(), x.bridge(), List.of(), java.util.Set.of())));
        for (HostPlan.ContainerView c : plan.containers()) {
            for (HostPlan.InterfaceView i : c.interfaces()) {
                if (c.netns() != null && i.veth()) {
                    out.put(i.mark(), new Want(i.mtu() == null ? DEFAULT_MTU : i.mtu(), i.bridge(), List.of(),
                            java.util.Set.of()));
                }
            }
        }
        return out;
    }

    /** The MTU, master and global addresses of every link of the host (of the namespace apply works on). */
    static Map<String, Attrs> attrs(Host host) throws ApplyException {
        Host.Result links = host.run(null, "ip", "-o", "link", "show");
        Host.Result addrs = host.run(null, "ip", "-o", "addr", "show");
        if (!links.ok() || !addrs.ok()) {
            throw new ApplyException("cannot list the links of " + host.describe() + ": "
                    + (links.ok() ? addrs : links).reason());
        }
        Map<String, List<String>> byName = new HashMap<>();
        for (String line : addrs.out().split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !(f[2].equals("inet") || f[2].equals("inet6")) || line.contains(" scope link")
                    || line.contains(" scope host")) {
                continue;
            }
            String name = f[1];
            int at = name.indexOf('@');
            byName.computeIfAbsent(at < 0 ? name : name.substring(0, at), k -> new ArrayList<>()).add(f[3]);
        }
        Map<String, Attrs> out = new LinkedHashMap<>();
        for (String line : links.out().split("\n")) {
            int colon = line.indexOf(": ");
            if (colon < 0) {
                continue;
            }
            String rest = line.substring(colon + 2);
            int end = rest.indexOf(':');
            String name = end < 0 ? rest : rest.substring(0, end);
            int at = name.indexOf('@');
            name = at < 0 ? name : name.substring(0, at);
            Matcher mtu = MTU.matcher(line);
            Matcher master = MASTER.matcher(line);
            List<String> a = new ArrayList<>(byName.getOrDefault(name, List.of()));
            a.sort(null);
            int lt = line.indexOf('<');
            int gt = line.indexOf('>', lt + 1);
            boolean up = lt >= 0 && gt > lt && List.of(line.substring(lt + 1, gt).split(",")).contains("UP");
            out.put(name, new Attrs(mtu.find() ? Integer.parseInt(mtu.group(1)) : 0, master.find() ? master.group(1) : null,
                    List.copyOf(a), up));
        }
        return out;
    }

    private static final Pattern MTU = Pattern.compile(" mtu (\\d+)");
    private static final Pattern MASTER = Pattern.compile(" master (\\S+)");

    /**
     * The differences between what owned host links hold ({@code now}, by name) and what the policy
     * says ({@code wanted}, by mark): plan lines, and the 'ip -batch' lines that repair them.
     * Links that are to be created, or that carry another name, are the setup script's.
     */
    static List<String[]> repairs(Map<String, Owned> present, Map<String, Owned> declared, Map<String, Want> wanted,
            Map<String, Attrs> now) {
        List<String[]> out = new ArrayList<>();
        declared.forEach((mark, d) -> {
            Owned p = present.get(mark);
            Want w = wanted.get(mark);
            Attrs a = p == null || p.netns() || !p.name().equals(d.name()) ? null : now.get(p.name());
            if (w == null || a == null) {
                return;
            }
            String n = p.name();
            String where = "~ link " + n + " (" + mark + "): ";
            if (w.mtu() != null && w.mtu() != a.mtu()) {
                out.add(new String[] {where + "mtu " + a.mtu() + " -> " + w.mtu(), "link set dev " + n + " mtu " + w.mtu()});
            }
            if (!java.util.Objects.equals(w.master(), a.master())) {
                out.add(new String[] {where + "master " + (a.master() == null ? "none" : a.master()) + " -> "
                        + (w.master() == null ? "none" : w.master()),
                        "link set dev " + n + (w.master() == null ? " nomaster" : " master " + w.master())});
            }
            for (String x : a.addresses()) {
                if (!w.addresses().contains(x)) {
                    out.add(new String[] {where + "address " + x + " removed", "addr del " + x + " dev " + n});
                }
            }
            for (String x : w.addresses()) {
                if (!a.addresses().contains(x)) {
                    out.add(new String[] {where + "address " + x + " added",
                            "addr replace " + x + " dev " + n + (w.ipv6().contains(x) ? " nodad" : "")});
                }
            }
            if (!a.up()) {
                out.add(new String[] {where + "down -> up", "link set dev " + n + " up"});
            }
        });
        return out;
    }

    /** Runs 'ip -batch' lines in the namespace. */
    static void batch(Host host, List<String> lines, String what) throws ApplyException {
        if (lines.isEmpty()) {
            return;
        }
        Host.Result r = host.run(String.join("\n", lines) + "\n", "ip", "-batch", "-");
        if (!r.ok()) {
            throw new ApplyException("cannot " + what + ": " + r.reason());
        }
    }

    /**
     * Puts the links back as they were: deletes what is marked now and was not ({@code before}, by
     * mark), runs {@code script} (the previous apply's setup) when something marked before is
     * missing, then sets the MTU, master and addresses of the links in {@code attrs} back.
     */
    static void restore(Host host, Map<String, Owned> before, Map<String, Attrs> attrs, String script)
            throws ApplyException {
        Map<String, Owned> now = present(host);
        removeStale(host, now, before);
        boolean missing = before.entrySet().stream().anyMatch(e -> now.get(e.getKey()) == null
                || !now.get(e.getKey()).name().equals(e.getValue().name()));
        if (missing && !script.isEmpty()) {
            setup(host, script);
        }
        if (attrs.isEmpty()) {
            return;
        }
        Map<String, Attrs> have = attrs(host);
        List<String> lines = new ArrayList<>();
        attrs.forEach((name, was) -> {
            Attrs a = have.get(name);
            if (a == null || a.equals(was)) {
                return;
            }
            if (a.mtu() != was.mtu()) {
                lines.add("link set dev " + name + " mtu " + was.mtu());
            }
            if (!java.util.Objects.equals(a.master(), was.master())) {
                lines.add("link set dev " + name + (was.master() == null ? " nomaster" : " master " + was.master()));
            }
            if (a.up() != was.up()) {
                lines.add("link set dev " + name + (was.up() ? " up" : " down"));
            }
            a.addresses().stream().filter(x -> !was.addresses().contains(x))
                    .forEach(x -> lines.add("addr del " + x + " dev " + name));
            was.addresses().stream().filter(x -> !a.addresses().contains(x))
                    .forEach(x -> lines.add("addr add " + x + " dev " + name + (x.contains(":") ? " nodad" : "")));
        });
        batch(host, lines, "put the links' MTU, master and addresses back");
    }

    /** What the policy declares: host links by mark, and container namespaces by mark.*/
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
        return present(host, true);
    }

    /** The marked links, and with {@code namespaces} the marked namespaces too. */
    static Map<String, Owned> present(Host host, boolean namespaces) throws ApplyException {
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
        if (!namespaces) {
            return out;
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
        // One 'ip -batch' for the namespaces and one for the links, rather than a process each.
        List<String> namespaces = new ArrayList<>();
        stale.stream().filter(Owned::netns).forEach(o -> namespaces.add("netns del " + o.name()));
        if (!namespaces.isEmpty()) {
            Host.Result r = host.run(String.join("\n", namespaces) + "\n", "ip", "-force", "-batch", "-");
            if (!r.ok()) {
                throw new ApplyException("cannot delete the namespaces " + String.join(", ",
                        stale.stream().filter(Owned::netns).map(Owned::name).toList()) + ": " + r.reason());
            }
        }
        List<String> links = new ArrayList<>();
        for (String kind : KINDS) {
            stale.stream().filter(o -> !o.netns() && o.kind().equals(kind)).forEach(o -> links.add("link del " + o.name()));
        }
        if (!links.isEmpty()) {
            // -force goes on after an error: a veth goes with its peer's namespace, and already gone
            // is what was wanted. What is still there afterwards is the failure.
            Host.Result r = host.run(String.join("\n", links) + "\n", "ip", "-force", "-batch", "-");
            Map<String, Owned> left = present(host, false);
            for (Owned o : stale) {
                if (!o.netns() && left.containsKey(o.mark()) && left.get(o.mark()).name().equals(o.name())) {
                    throw new ApplyException("cannot delete " + o.describe() + ": " + r.reason());
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
