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
 * namespace) carries a mark {@code netpolc:KIND:NAME@OWNER}, set by the iplink scripts when they
 * create them, where OWNER is the identity of the state directory that applied them
 * ({@link StateStore#owner}). Nothing without this apply's mark is ever changed or deleted: not
 * what another apply made (another owner), not what was made by hand under the same name.
 */
final class Links {

    static final String MARK = "netpolc:";
    /** The order in which stale links go: ports before the bridges they are attached to. */
    private static final List<String> KINDS = List.of("veth", "macvlan", "vxlan", "bridge", "vlan");

    private Links() {}

    /**
     * A marked link on the host, or a marked container namespace ({@code netns} true); {@code mark}
     * without the owner, which is the caller's.
     */
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
        return attrs(links.out(), addrs.out());
    }

    /** {@link Attrs} by link name, from the lines of 'ip -o link show' and of 'ip -o addr show'. */
    static Map<String, Attrs> attrs(String links, String addrs) {
        Map<String, List<String>> byName = new HashMap<>();
        for (String line : addrs.split("\n")) {
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
        for (String line : links.split("\n")) {
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

    /** One repair inside a container namespace: its plan line, and the 'ip -batch' line run there. */
    record InsideRepair(String plan, String netns, String line) {}

    /**
     * The differences between what the container namespaces netpolc owns hold and what the policy
     * declares there (each interface's MTU, up state and addresses of global scope, the loopback's
     * up state, the default routes), with the 'ip -n NS -batch' lines that repair them. Only
     * namespaces that are there under their declared name are compared (the setup builds the
     * others whole). A veth whose container end is missing is recreated: its host end goes
     * ({@code netns} null: a line for the host), and the setup script makes the pair again.
     */
    static List<InsideRepair> insideRepairs(HostPlan plan, String containerPrefix, Map<String, Owned> present,
            Map<String, Inside> inside) {
        List<InsideRepair> out = new ArrayList<>();
        for (HostPlan.ContainerView c : plan.containers()) {
            if (c.netns() == null) {
                continue;
            }
            String ns = containerPrefix + c.netns();
            Owned p = present.get(c.mark());
            Inside in = inside.get(ns);
            if (p == null || !p.name().equals(ns) || in == null || rebuilt(c, present)) {
                continue;
            }
            String where = "~ namespace " + ns + " (" + c.mark() + "): ";
            Attrs lo = in.links().get("lo");
            if (lo != null && !lo.up()) {
                out.add(new InsideRepair(where + "lo down -> up", ns, "link set dev lo up"));
            }
            for (HostPlan.InterfaceView i : c.interfaces()) {
                String n = i.name();
                Attrs a = in.links().get(n);
                if (a == null) {
                    Owned hostEnd = present.get(i.mark());
                    if (i.veth() && (hostEnd == null || !hostEnd.name().equals(i.hostVeth()))) {
                        // Both ends are gone: the plan's '+ link' line says the setup makes the pair.
                        continue;
                    }
                    if (i.veth()) {
                        out.add(new InsideRepair(where + n + " missing; its veth pair (host end " + i.hostVeth()
                                + ") is made again", null, "link del " + i.hostVeth()));
                    } else {
                        out.add(new InsideRepair(where + n + " missing; the setup makes it again", ns, null));
                    }
                    continue;
                }
                Integer mtu = i.mtu() != null ? i.mtu() : i.veth() ? Integer.valueOf(DEFAULT_MTU) : null;
                if (mtu != null && mtu != a.mtu()) {
                    out.add(new InsideRepair(where + n + " mtu " + a.mtu() + " -> " + mtu, ns,
                            "link set dev " + n + " mtu " + mtu));
                }
                if (!a.up()) {
                    out.add(new InsideRepair(where + n + " down -> up", ns, "link set dev " + n + " up"));
                }
                List<String> want = new ArrayList<>();
                i.addresses().forEach(x -> want.add(x.cidr()));
                for (String x : a.addresses()) {
                    if (!want.contains(x)) {
                        out.add(new InsideRepair(where + n + " address " + x + " removed", ns, "addr del " + x + " dev " + n));
                    }
                }
                for (HostPlan.AddrView x : i.addresses()) {
                    if (!a.addresses().contains(x.cidr())) {
                        out.add(new InsideRepair(where + n + " address " + x.cidr() + " added", ns,
                                "addr replace " + x.cidr() + " dev " + n + (x.ipv6() ? " nodad" : "")));
                    }
                }
            }
            for (HostPlan.RouteView r : c.routes()) {
                String want = (r.ipv6() ? "6" : "4") + " via " + r.gateway() + " dev " + r.device();
                if (!in.routes().contains(want)) {
                    String have = String.join(", ", in.routes().stream().filter(x -> x.startsWith(want.substring(0, 2)))
                            .map(x -> x.substring(2)).toList());
                    out.add(new InsideRepair(where + "default route " + (have.isEmpty() ? "none" : have) + " -> "
                            + want.substring(2), ns, "route replace default via " + r.gateway() + " dev " + r.device()));
                }
            }
        }
        return out;
    }

    /**
     * Whether the apply rebuilds container {@code c}'s interfaces anyway, so that what its
     * namespace holds now says nothing: a veth pair of its that the policy no longer declares
     * goes (with its container end), or one it declares is to be made (its host end is missing or
     * carries another name). The setup script then sets the interfaces, addresses and routes.
     */
    private static boolean rebuilt(HostPlan.ContainerView c, Map<String, Owned> present) {
        String container = c.mark().substring((MARK + "netns:").length());
        java.util.Set<String> declared = new java.util.HashSet<>();
        for (HostPlan.InterfaceView i : c.interfaces()) {
            if (i.veth()) {
                declared.add(i.mark());
                Owned h = present.get(i.mark());
                if (h == null || !h.name().equals(i.hostVeth())) {
                    return true;
                }
            }
        }
        return present.keySet().stream().anyMatch(m -> m.startsWith(MARK + "veth:" + container + ":") && !declared.contains(m));
    }

    /**
     * What the links of {@code repairs}' namespaces were before they are repaired, as {@link #restore}
     * takes them ("NAMESPACE/NAME"), and the 'ip -batch' lines, by namespace, that put their default
     * routes back.
     */
    static Map<String, Attrs> insideBefore(List<InsideRepair> repairs, Map<String, Inside> inside) {
        Map<String, Attrs> out = new LinkedHashMap<>();
        for (InsideRepair r : repairs) {
            if (r.netns() != null && r.line() != null && inside.containsKey(r.netns())) {
                inside.get(r.netns()).links().forEach((name, a) -> out.put(r.netns() + "/" + name, a));
            }
        }
        return out;
    }

    /** The 'ip -batch' lines that put the default routes of the namespaces whose routes {@code repairs} change back. */
    static Map<String, List<String>> routesBack(List<InsideRepair> repairs, Map<String, Inside> inside) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (InsideRepair r : repairs) {
            if (r.netns() == null || r.line() == null || !r.line().startsWith("route replace default ")
                    || !inside.containsKey(r.netns())) {
                continue;
            }
            List<String> lines = out.computeIfAbsent(r.netns(), k -> new ArrayList<>());
            String added = r.line().substring("route replace default ".length());
            String family = added.substring(4, added.indexOf(" dev ")).contains(":") ? "6" : "4";
            lines.add("route del default " + added);
            inside.get(r.netns()).routes().stream().filter(x -> x.startsWith(family + " "))
                    .forEach(x -> lines.add("route replace default " + x.substring(2)));
        }
        return out;
    }

    /**
     * Puts default routes back ({@link #routesBack}'s lines, by namespace). -force goes on after an
     * error: a route already gone is what the deletion wanted; a namespace that is gone has none.
     */
    static void routesRestore(Host host, Map<String, List<String>> routesBack) throws ApplyException {
        for (var e : routesBack.entrySet()) {
            if (Files.exists(Host.NETNS_DIR.resolve(e.getKey()))) {
                host.run(String.join("\n", e.getValue()) + "\n", "ip", "-n", e.getKey(), "-force", "-batch", "-");
            }
        }
    }

    /** Runs the repairs: host lines first (before the setup script), namespace lines after it. */
    static void repairInside(Host host, List<InsideRepair> repairs, boolean hostSide) throws ApplyException {
        Map<String, List<String>> byNs = new LinkedHashMap<>();
        for (InsideRepair r : repairs) {
            if (r.line() != null && (r.netns() == null) == hostSide) {
                byNs.computeIfAbsent(r.netns() == null ? "" : r.netns(), k -> new ArrayList<>()).add(r.line());
            }
        }
        for (var e : byNs.entrySet()) {
            runIn(host, e.getKey(), e.getValue(), "repair " + (e.getKey().isEmpty() ? "the links" : "namespace " + e.getKey()));
        }
    }

    /** Runs 'ip -batch' lines in container namespace {@code ns} (the host's when empty). */
    static void runIn(Host host, String ns, List<String> lines, String what) throws ApplyException {
        if (lines.isEmpty()) {
            return;
        }
        List<String> cmd = ns.isEmpty() ? List.of("ip", "-batch", "-") : List.of("ip", "-n", ns, "-batch", "-");
        Host.Result r = host.run(String.join("\n", lines) + "\n", cmd);
        if (!r.ok()) {
            throw new ApplyException("cannot " + what + ": " + r.reason());
        }
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
     * missing, then sets the MTU, master, up state and addresses of the links in {@code attrs}
     * back: host links by name, links inside a container namespace by "NAMESPACE/NAME".
     */
    static void restore(Host host, Map<String, Owned> before, Map<String, Attrs> attrs, String script, String owner,
            java.util.Set<String> creating) throws ApplyException {
        Map<String, Owned> now = present(host, owner);
        removeStale(host, now, before, owner);
        removeUnmarked(host, creating);
        boolean missing = before.entrySet().stream().anyMatch(e -> now.get(e.getKey()) == null
                || !now.get(e.getKey()).name().equals(e.getValue().name()));
        if (missing && !script.isEmpty()) {
            setup(host, script, owner);
        }
        Map<String, Attrs> hostSide = new LinkedHashMap<>();
        Map<String, Map<String, Attrs>> inside = new java.util.TreeMap<>();
        attrs.forEach((key, was) -> {
            int slash = key.indexOf('/');
            if (slash < 0) {
                hostSide.put(key, was);
            } else {
                inside.computeIfAbsent(key.substring(0, slash), k -> new LinkedHashMap<>()).put(key.substring(slash + 1), was);
            }
        });
        if (!hostSide.isEmpty()) {
            batch(host, revert(hostSide, attrs(host)), "put the links' MTU, master and addresses back");
        }
        for (var e : inside.entrySet()) {
            String ns = e.getKey();
            Host.Result r = host.run("link show\naddr show\n", "ip", "-n", ns, "-o", "-batch", "-");
            if (!r.ok()) {
                throw new ApplyException("cannot list the links of namespace " + ns + ": " + r.reason());
            }
            StringBuilder links = new StringBuilder();
            StringBuilder addrs = new StringBuilder();
            r.out().lines().forEach(l -> (l.contains(": <") ? links : addrs).append(l).append('\n'));
            List<String> lines = revert(e.getValue(), attrs(links.toString(), addrs.toString()));
            if (!lines.isEmpty()) {
                Host.Result b = host.run(String.join("\n", lines) + "\n", "ip", "-n", ns, "-batch", "-");
                if (!b.ok()) {
                    throw new ApplyException("cannot put the links of namespace " + ns + " back: " + b.reason());
                }
            }
        }
    }

    /** The 'ip -batch' lines that set the links in {@code have} back to {@code attrs} (by name). */
    private static List<String> revert(Map<String, Attrs> attrs, Map<String, Attrs> have) {
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
        return lines;
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

    /**
     * What the host has: marked links, and marked namespaces whose names start with the prefix
     * (for a rollback, which does what it can: namespaces it cannot read are left as they are).
     */
    static Map<String, Owned> present(Host host, String owner) throws ApplyException {
        return scan(host, owner).present();
    }

    /** The marked links, and with {@code namespaces} the marked namespaces too. */
    static Map<String, Owned> present(Host host, boolean namespaces, String owner) throws ApplyException {
        return namespaces ? scan(host, owner).present() : hostLinks(host, owner, null);
    }

    /**
     * What a container namespace netpolc owns holds: its links with their {@link Attrs}, by name,
     * and its default routes of the main table, each "4 via GATEWAY dev DEVICE" or "6 ...".
     */
    record Inside(Map<String, Attrs> links, java.util.Set<String> routes) {}

    /**
     * The owned links and namespaces ({@link #present}), what each owned namespace holds, and the
     * namespaces with the container prefix that could not be read, each with what went wrong:
     * whether those are netpolc's is unknown.
     */
    record Scan(Map<String, Owned> present, Map<String, Inside> inside, Map<String, String> unreadable,
            Map<String, String> others) {

        /** What a firewall-only run looks at: no links. */
        static final Scan NONE = new Scan(Map.of(), Map.of(), Map.of(), Map.of());

        /**
         * Fails when a link or namespace the policy declares ({@code declared}, by mark) exists
         * under its name without this apply's mark: made by hand, by another tool or by an apply
         * of another state directory, it is not this apply's to change or take over.
         */
        void checkNotTaken(Map<String, Owned> declared) throws ApplyException {
            List<String> taken = new ArrayList<>();
            for (Owned d : declared.values()) {
                String why = others.get((d.netns() ? "netns:" : "link:") + d.name());
                if (why != null && !d.kind().equals("vlan")) {
                    taken.add((d.netns() ? "namespace " : "link ") + d.name() + " (" + why + ")");
                }
            }
            if (!taken.isEmpty()) {
                throw new ApplyException("the policy declares what exists already and is not this apply's: "
                        + String.join("; ", taken) + ". apply takes as its own only what it created with this state"
                        + " directory's mark; delete or rename these, or apply with the state directory that made them"
                        + " (--state-dir), or choose other container namespace names (--netns-prefix)");
            }
        }

        /**
         * Fails when a namespace the policy declares ({@code declared}, by mark) could not be read:
         * apply would plan to create it and fail half-way, status would call it missing. Returns
         * the others, which are left alone, for a warning.
         */
        Map<String, String> checkDeclared(Map<String, Owned> declared) throws ApplyException {
            Map<String, String> others = new java.util.TreeMap<>(unreadable);
            for (Owned d : declared.values()) {
                String why = d.netns() ? others.remove(d.name()) : null;
                if (why != null) {
                    throw new ApplyException("cannot read network namespace " + d.name() + ", which the policy"
                            + " declares: " + why + " (if it is left over from a crash, remove it with 'ip netns del "
                            + d.name() + "' and apply again)");
                }
            }
            return others;
        }
    }

    /** The warning for namespaces that could not be read and are left alone. */
    static String unreadableWarning(Map<String, String> unreadable) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> u : unreadable.entrySet()) {
            b.append("netpolc: warning: cannot read network namespace ").append(u.getKey()).append(" (")
                    .append(u.getValue()).append("); it is left alone, whoever made it\n");
        }
        return b.toString();
    }

    /** At most this many shells read the container namespaces at the same time. */
    static final int READERS = 4;

    /**
     * The script each reader runs ({@code sh -c READ sh NSENTER IP NAMESPACE...}): one ip process
     * per namespace, for its links, their addresses and its default routes. Entered with nsenter,
     * not 'ip -n', which also unshares the mount namespace, a copy of every mount (each name under
     * /run/netns is one) that made reading a thousand namespaces quadratic. JSON, because for the
     * text form ip names the namespace of a veth's peer by asking every namespace for its id.
     */
    private static final String READ = "e=$1; i=$2; shift 2; for ns; do echo \"netns: $ns\"; printf 'link show\\naddr"
            + " show\\nroute show table all default\\n' | \"$e\" --net=\"" + Host.NETNS_DIR + "/$ns\" \"$i\" -j -batch -"
            + " 2>&1; s=$?; echo; echo \"status: $s\"; done";

    /**
     * The marked links of the host, and the namespaces with the container prefix whose loopback
     * carries a mark, with what they hold. A namespace is read by one ip process entered with
     * nsenter ({@link #READ}: links, addresses, routes at once); the namespaces are shared out among {@link #READERS} shells that
     * run at the same time, since each ip process waits mostly on the kernel entering the namespace.
     * A namespace whose read fails (its ip or nsenter exits non-zero) and that is still there is
     * listed in {@link Scan#unreadable}; one deleted meanwhile is simply not there.
     */
    static Scan scan(Host host, String owner) throws ApplyException {
        Map<String, String> others = new LinkedHashMap<>();
        Map<String, Owned> out = hostLinks(host, owner, others);
        Map<String, Inside> inside = new LinkedHashMap<>();
        Map<String, String> unreadable = new LinkedHashMap<>();
        Host.Result list = host.run(null, "ip", "netns", "list");
        if (!list.ok()) {
            throw new ApplyException("cannot list the network namespaces with 'ip netns list': " + list.reason());
        }
        List<String> candidates = new ArrayList<>();
        for (String line : list.out().split("\n")) {
            String ns = line.split(" ")[0].strip();
            if (!ns.isEmpty() && ns.startsWith(host.containerPrefix()) && !ns.equals(host.netns())) {
                candidates.add(ns);
            }
        }
        if (candidates.isEmpty()) {
            return new Scan(out, inside, unreadable, others);
        }
        int readers = Math.min(READERS, (candidates.size() + 49) / 50);
        List<Task<Host.Result>> running = new ArrayList<>();
        for (int k = 0; k < readers; k++) {
            List<String> cmd = new ArrayList<>(List.of("sh", "-c", READ, "sh", Host.tool("nsenter"), Host.tool("ip")));
            for (int n = k; n < candidates.size(); n += readers) {
                cmd.add(candidates.get(n));
            }
            running.add(Task.start("netns-reader", () -> host.run(null, cmd)));
        }
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (Task<Host.Result> t : running) {
            Host.Result r = t.get();
            if (!r.ok()) {
                throw new ApplyException("cannot read the container namespaces: " + r.reason());
            }
            String ns = null;
            List<String> arrays = new ArrayList<>();
            StringBuilder said = new StringBuilder();
            for (String line : r.out().split("\n")) {
                if (line.startsWith("netns: ")) {
                    ns = line.substring(7);
                    arrays.clear();
                    said.setLength(0);
                } else if (line.startsWith("[")) {
                    arrays.add(line);
                } else if (line.startsWith("status: ") && ns != null) {
                    if (!line.equals("status: 0") || arrays.size() != 3) {
                        // gone meanwhile: not there; still there: unreadable
                        if (Files.exists(Host.NETNS_DIR.resolve(ns))) {
                            String why = said.toString().strip();
                            unreadable.put(ns, why.isEmpty() ? "ip exited with " + line : why);
                        }
                    } else {
                        try {
                            readInside(ns, json.readTree(arrays.get(0)), json.readTree(arrays.get(1)),
                                    json.readTree(arrays.get(2)), owner, out, inside, others);
                        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                            throw new ApplyException("cannot read what 'ip -j' printed for namespace " + ns + ": "
                                    + e.getOriginalMessage());
                        }
                    }
                    ns = null;
                } else if (!line.isBlank()) {
                    said.append(said.length() == 0 ? "" : "; ").append(line.strip());
                }
            }
        }
        return new Scan(out, inside, unreadable, others);
    }

    /**
     * One namespace's 'ip -j link show', 'ip -j addr show' (which leaves out the alias when a
     * link has addresses) and 'ip -j route show table all default', when its loopback has this
     * owner's mark; a namespace without it goes to {@code others} ("netns:NAME"), with why.
     */
    private static void readInside(String ns, com.fasterxml.jackson.databind.JsonNode links,
            com.fasterxml.jackson.databind.JsonNode addrs, com.fasterxml.jackson.databind.JsonNode routes,
            String owner, Map<String, Owned> out, Map<String, Inside> inside, Map<String, String> others) {
        Map<String, List<String>> byName = new HashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode l : addrs) {
            List<String> addresses = byName.computeIfAbsent(l.path("ifname").asText(), k -> new ArrayList<>());
            for (com.fasterxml.jackson.databind.JsonNode a : l.path("addr_info")) {
                String scope = a.path("scope").asText();
                if (a.has("local") && !scope.equals("link") && !scope.equals("host")) {
                    addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            }
            addresses.sort(null);
        }
        String mark = null;
        Map<String, Attrs> attrs = new LinkedHashMap<>();
        for (com.fasterxml.jackson.databind.JsonNode l : links) {
            String name = l.path("ifname").asText();
            if (name.equals("lo") && l.path("ifalias").asText("").startsWith(MARK)) {
                mark = l.path("ifalias").asText();
            }
            List<String> addresses = byName.getOrDefault(name, List.of());
            boolean up = false;
            for (com.fasterxml.jackson.databind.JsonNode f : l.path("flags")) {
                up |= f.asText().equals("UP");
            }
            attrs.put(name, new Attrs(l.path("mtu").asInt(), l.hasNonNull("master") ? l.path("master").asText() : null,
                    List.copyOf(addresses), up));
        }
        String base = ours(mark, owner);
        if (base == null) {
            others.put("netns:" + ns, notOurs(mark));
            return;
        }
        mark = base;
        java.util.Set<String> defaults = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode r : routes) {
            if (r.has("table") || !r.path("dst").asText().equals("default")) {
                continue;
            }
            String gw = r.hasNonNull("gateway") ? r.path("gateway").asText() : null;
            defaults.add((gw != null && gw.contains(":") ? "6" : "4") + (gw == null ? "" : " via " + gw)
                    + (r.hasNonNull("dev") ? " dev " + r.path("dev").asText() : ""));
        }
        out.put(mark, new Owned(ns, mark, true));
        inside.put(ns, new Inside(attrs, defaults));
    }

    /**
     * The links of the host with this owner's mark; the names of the others go to {@code others}
     * ("link:NAME", with why; may be null).
     */
    private static Map<String, Owned> hostLinks(Host host, String owner, Map<String, String> others)
            throws ApplyException {
        Map<String, Owned> out = new LinkedHashMap<>();
        Host.Result links = host.run(null, "ip", "-o", "link", "show");
        if (!links.ok()) {
            throw new ApplyException("cannot list the links of " + host.describe() + ": " + links.reason());
        }
        for (String line : links.out().split("\n")) {
            Owned o = parse(line, false);
            String base = o == null ? null : ours(o.mark(), owner);
            if (base != null) {
                out.put(base, new Owned(o.name(), base, false));
            } else if (others != null && o != null) {
                others.put("link:" + o.name(), notOurs(o.mark()));
            } else if (others != null) {
                String name = name(line);
                if (name != null) {
                    others.put("link:" + name, notOurs(null));
                }
            }
        }
        return out;
    }

    /**
     * The mark without its owner when {@code mark} (as read, with the owner) is this owner's: it ends
     * with '@' and the owner, or has no '@' at all when the owner is "" (a state directory from
     * before owners); else null. A null owner owns nothing.
     */
    static String ours(String mark, String owner) {
        if (owner == null || mark == null) {
            return null;
        }
        int at = mark.lastIndexOf('@');
        if (owner.isEmpty()) {
            return at < 0 ? mark : null;
        }
        return at > 0 && mark.substring(at + 1).equals(owner) ? mark.substring(0, at) : null;
    }

    /** Why a link or namespace with {@code mark} (null: none) is not this apply's. */
    private static String notOurs(String mark) {
        if (mark == null) {
            return "no netpolc mark: made by hand or by another tool";
        }
        int at = mark.lastIndexOf('@');
        return at < 0 ? "marked " + mark + " by a netpolc run without a state directory's owner"
                : "marked " + mark + " by the apply of another state directory";
    }

    /** The link name of a line of 'ip -o link show', or null. */
    private static String name(String line) {
        int colon = line.indexOf(": ");
        if (colon < 0) {
            return null;
        }
        String rest = line.substring(colon + 2);
        int end = rest.indexOf(':');
        String name = end < 0 ? rest : rest.substring(0, end);
        int at = name.indexOf('@');
        return at >= 0 ? name.substring(0, at) : name;
    }

    /** One line of 'ip -o link show': its name and netpolc mark, or null when it has none. */
    static Owned parse(String line, boolean netns) {
        int alias = line.indexOf("    alias " + MARK);
        int colon = line.indexOf(": ");
        if (alias < 0 || colon < 0) {
            return null;
        }
        String name = name(line);
        String mark = line.substring(alias + "    alias ".length());
        int stop = mark.indexOf('\\');
        mark = (stop < 0 ? mark : mark.substring(0, stop)).strip();
        return new Owned(name, mark, netns);
    }

    /**
     * The host ends of veth pairs (by mark) that are there while the namespace of their container
     * is not: the setup makes the namespace, and would find the host end and skip the pair.
     */
    static Map<String, Owned> orphans(HostPlan plan, Map<String, Owned> present) {
        Map<String, Owned> out = new LinkedHashMap<>();
        for (HostPlan.ContainerView c : plan.containers()) {
            if (c.netns() == null || present.containsKey(c.mark())) {
                continue;
            }
            for (HostPlan.InterfaceView i : c.interfaces()) {
                if (i.veth() && present.containsKey(i.mark())) {
                    out.put(i.mark(), present.get(i.mark()));
                }
            }
        }
        return out;
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
    static void removeStale(Host host, Map<String, Owned> present, Map<String, Owned> declared, String owner)
            throws ApplyException {
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
            Map<String, Owned> left = present(host, false, owner);
            for (Owned o : stale) {
                if (!o.netns() && left.containsKey(o.mark()) && left.get(o.mark()).name().equals(o.name())) {
                    throw new ApplyException("cannot delete " + o.describe() + ": " + r.reason());
                }
            }
        }
    }

    /**
     * Deletes those of {@code names} (namespaces a transaction's setup was creating) that exist with
     * no mark on their loopback: created, then interrupted before the mark was set. One with any
     * mark is left (this owner's went with {@link #removeStale}; another's is not this apply's).
     */
    static void removeUnmarked(Host host, java.util.Set<String> names) throws ApplyException {
        List<String> gone = new ArrayList<>();
        for (String ns : names) {
            if (!Files.exists(Host.NETNS_DIR.resolve(ns))) {
                continue;
            }
            Host.Result lo = host.run(null, "ip", "-n", ns, "-o", "link", "show", "dev", "lo");
            if (lo.ok() && !lo.out().contains("    alias ")) {
                gone.add("netns del " + ns);
            }
        }
        if (!gone.isEmpty()) {
            Host.Result r = host.run(String.join("\n", gone) + "\n", "ip", "-force", "-batch", "-");
            if (!r.ok()) {
                throw new ApplyException("cannot delete the namespaces an interrupted setup left unmarked: " + r.reason());
            }
        }
    }

    /** Runs a setup script (the iplink-batch target) in the namespace, marking what it makes with {@code owner}. */
    static void setup(Host host, String script, String owner) throws ApplyException {
        Path file = null;
        try {
            file = Files.createTempFile("netpolc-apply", ".sh");
            Files.writeString(file, script);
            Host.Result r = host.run(null, "env", "NETPOLC_NETNS_PREFIX=" + host.containerPrefix(),
                    "NETPOLC_OWNER=" + (owner == null ? "" : owner), "sh",
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
