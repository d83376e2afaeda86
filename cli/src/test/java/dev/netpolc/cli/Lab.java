package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.fail;

import dev.netpolc.cli.LabModel.Cell;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Throw-away hosts for one policy: a "host" network namespace per node of the policy (one for a
 * policy without nodes) where that node's ip link script and firewall run, one namespace per
 * container (made by the scripts), and an "outside" namespace that plays the internet: a bridge
 * every host's uplink veth plugs into (the hosts route to it; it has no route back to container
 * subnets unless a cell needs one). The nodes are joined by an underlay: a bridge in its own
 * namespace, each host's end named as the node's underlay and carrying the node's address. Every
 * name carries a prefix unique to this run, and {@link #close} removes every namespace and ends
 * every process the lab started.
 */
final class Lab implements AutoCloseable {

    /** How the firewall output is loaded. */
    enum Flavour {
        IPTABLES_NFT("iptables-nft"),
        IPTABLES_LEGACY("iptables-legacy"),
        NFTABLES("nftables");

        final String label;

        Flavour(String label) {
            this.label = label;
        }
    }

    /** What one host runs: its node (null for a policy without nodes), ip link script and firewall outputs. */
    record HostOutput(String node, String iplink, String ipv4Rules, String ipv6Rules, String nftRules) {}

    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String prefix;
    final String outside;
    private final String underlay;
    /** The host namespaces by node ("" for a policy without nodes), in the policy's node order. */
    private final Map<String, String> hosts = new LinkedHashMap<>();
    private final List<Process> processes = new ArrayList<>();

    /** The outcome of one cell. */
    record Observed(boolean reached, String peer) {}

    Lab() {
        prefix = "npl" + ProcessHandle.current().pid() + "x" + COUNTER.incrementAndGet() + "-";
        outside = prefix + "out";
        underlay = prefix + "under";
    }

    /** The namespace of a node's host (of the only host for null). */
    String host(String node) {
        return hosts.get(node == null ? "" : node);
    }

    /** Every host namespace. */
    List<String> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * Builds the host with {@code netpolc apply --netns HOST} instead of the scripts: everything but
     * the links and the firewall, then apply with {@code applyArgs} (the backend) and the policy.
     * One host only: apply works on one namespace.
     */
    void setUpByApply(Policy policy, java.nio.file.Path stateDir, String... applyArgs) {
        setUp(policy, List.of(new HostOutput(null, null, null, null, null)), null);
        List<String> args = new ArrayList<>(List.of("apply", "--netns", host(null), "--netns-prefix", prefix, "--state-dir",
                stateDir.toString()));
        args.addAll(List.of(applyArgs));
        Run r = Run.netpolc(args.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError("netpolc apply failed in the lab:\n" + r.err());
        }
    }

    /**
     * Builds the hosts: namespaces, uplinks, underlay, each node's links, routes back where needed,
     * the firewalls. A host output without a script or a null flavour leaves that step to apply.
     */
    void setUp(Policy policy, List<HostOutput> outputs, Flavour flavour) {
        must(ip("netns", "add", outside));
        must(ip("-n", outside, "link", "set", "lo", "up"));
        must(ip("-n", outside, "link", "add", "lan0", "type", "bridge"));
        must(ip("-n", outside, "addr", "add", LabModel.OUTSIDE4 + "/24", "dev", "lan0"));
        must(ip("-n", outside, "addr", "add", LabModel.OUTSIDE6 + "/64", "dev", "lan0", "nodad"));
        must(ip("-n", outside, "link", "set", "lan0", "up"));
        int index = 0;
        for (HostOutput o : outputs) {
            String host = prefix + (o.node() == null ? "host" : "host-" + o.node());
            hosts.put(o.node() == null ? "" : o.node(), host);
            must(ip("netns", "add", host));
            must(ip("-n", host, "link", "set", "lo", "up"));
            String peer = "up" + index++;
            must(ip("-n", host, "link", "add", "uplink0", "type", "veth", "peer", "name", peer, "netns", outside));
            must(ip("-n", host, "addr", "add", LabModel.uplink(policy, o.node(), Family.IPV4) + "/24", "dev", "uplink0"));
            must(ip("-n", host, "addr", "add", LabModel.uplink(policy, o.node(), Family.IPV6) + "/64", "dev", "uplink0",
                    "nodad"));
            must(ip("-n", host, "link", "set", "uplink0", "up"));
            must(ip("-n", outside, "link", "set", peer, "master", "lan0", "up"));
        }
        if (!policy.nodes().isEmpty()) {
            buildUnderlay(policy);
        }
        for (HostOutput o : outputs) {
            buildHost(policy, host(o.node()), o.iplink());
        }
        String first = LabModel.uplink(policy, null, Family.IPV4);
        String first6 = LabModel.uplink(policy, null, Family.IPV6);
        for (Network n : policy.networks()) {
            if (!n.isBridge() || n.internal()) {
                continue;
            }
            // every node has the same subnets: outside routes them back to the first node
            if (!n.masquerade()) {
                if (n.ipv4() != null) {
                    must(ip("-n", outside, "route", "add", n.ipv4().cidr().toString(), "via", first));
                }
            }
            if (n.ipv6() != null && !n.masquerade()) {
                must(ip("-n", outside, "route", "add", n.ipv6().cidr().toString(), "via", first6));
            }
            if (n.snatSource() != null) {
                must(ip("-n", outside, "route", "replace", n.snatSource().text() + "/32", "via", first));
            }
        }
        for (HostOutput o : outputs) {
            if (flavour == null) {
                break;
            }
            String host = host(o.node());
            switch (flavour) {
                case NFTABLES:
                    must(run(o.nftRules(), "ip", "netns", "exec", host, "nft", "-f", "-"));
                    break;
                default:
                    String tool = flavour == Flavour.IPTABLES_NFT ? "nft" : "legacy";
                    must(run(o.ipv4Rules(), "ip", "netns", "exec", host, "iptables-" + tool + "-restore"));
                    must(run(o.ipv6Rules(), "ip", "netns", "exec", host, "ip6tables-" + tool + "-restore"));
                    break;
            }
        }
    }

    /**
     * The nodes' underlay: a bridge in a namespace of its own, and per node a veth whose host end
     * has the name the node's VXLAN devices are bound to (the first overlay network's underlay,
     * else the node's, else under0) and the node's address, with a route to every other node's.
     */
    private void buildUnderlay(Policy policy) {
        must(ip("netns", "add", underlay));
        must(ip("-n", underlay, "link", "add", "ul0", "type", "bridge"));
        must(ip("-n", underlay, "link", "set", "ul0", "up"));
        String networkUnderlay = policy.networks().stream().filter(n -> n.overlay() != null && n.overlay().underlay() != null)
                .map(n -> n.overlay().underlay()).findFirst().orElse(null);
        int index = 0;
        for (Node node : policy.nodes()) {
            String host = host(node.name());
            String device = networkUnderlay != null ? networkUnderlay : node.underlay() != null ? node.underlay() : "under0";
            String peer = "n" + index++;
            must(ip("-n", host, "link", "add", device, "type", "veth", "peer", "name", peer, "netns", underlay));
            must(ip("-n", underlay, "link", "set", peer, "master", "ul0", "up"));
            boolean v6 = node.address().text().contains(":");
            must(v6 ? ip("-n", host, "addr", "add", node.address().text() + "/128", "dev", device, "nodad")
                    : ip("-n", host, "addr", "add", node.address().text() + "/32", "dev", device));
            must(ip("-n", host, "link", "set", device, "up"));
            for (Node other : policy.nodes()) {
                if (other != node) {
                    must(ip("-n", host, "route", "add", other.address().text(), "dev", device));
                }
            }
        }
    }

    /** One host's stand-in interfaces, then its ip link script. */
    private void buildHost(Policy policy, String host, String iplinkScript) {
        // macvlan and overlay networks hang off host interfaces; the lab gives the host stand-ins
        // (veth ends: not every kernel has dummy devices)
        int standIns = 0;
        for (Network n : policy.networks()) {
            String device = n.macvlan() != null ? n.macvlan().parent() : n.overlay() != null ? n.overlay().underlay() : null;
            if (device != null && !ip("-n", host, "link", "show", device).ok()) {
                must(ip("-n", host, "link", "add", device, "type", "veth", "peer", "name", "labpeer" + standIns++));
                must(ip("-n", host, "link", "set", device, "up"));
            }
        }
        // A kernel without 802.1Q cannot create the VLAN interface a macvlan network hangs off; the
        // script uses (and keeps) one that exists, so the lab provides a stand-in under that name.
        boolean vlans = ip("-n", host, "link", "add", "link", "uplink0", "name", "labvlanprobe", "type", "vlan", "id", "4094").ok();
        if (vlans) {
            must(ip("-n", host, "link", "del", "labvlanprobe"));
        }
        for (Network n : policy.networks()) {
            if (!vlans && n.macvlan() != null && n.macvlan().vlan() != null
                    && !ip("-n", host, "link", "show", n.macvlan().effectiveParent()).ok()) {
                must(ip("-n", host, "link", "add", n.macvlan().effectiveParent(), "type", "veth", "peer", "name",
                        "labpeer" + standIns++));
                must(ip("-n", host, "link", "set", n.macvlan().effectiveParent(), "up"));
            }
        }
        // nsenter, not 'ip netns exec': the latter gives the script a private mount namespace, and the
        // namespaces the script creates would vanish with it
        if (iplinkScript != null) {
            must(run(iplinkScript, Kernel.which("nsenter").toString(), "--net=" + Kernel.NETNS_DIR + "/" + host, "env",
                    "NETPOLC_NETNS_PREFIX=" + prefix, "sh", "-s"));
        }
    }

    /** Starts a listener in a namespace that answers every connection or datagram with the peer's address. */
    void listen(String netns, String protocol, Family family, int port) {
        String v = family == Family.IPV4 ? "4" : "6";
        String address = protocol.equals("tcp")
                ? "TCP" + v + "-LISTEN:" + port + ",fork,reuseaddr" + (family == Family.IPV6 ? ",ipv6only=1" : "")
                : "UDP" + v + "-RECVFROM:" + port + ",fork" + (family == Family.IPV6 ? ",ipv6only=1" : "");
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", netns, "socat", address, "SYSTEM:echo $SOCAT_PEERADDR")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            synchronized (processes) {
                processes.add(p);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until every listener is bound and no IPv6 address is still tentative. */
    void awaitReady(List<String> namespaces, int listenerCount) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StringBuilder state = new StringBuilder();
        while (System.nanoTime() < deadline) {
            int bound = 0;
            state.setLength(0);
            for (String ns : namespaces) {
                Kernel.Result ss = ip0("ip", "netns", "exec", ns, "ss", "-Hlntu");
                int here = (int) ss.out().lines().filter(l -> !l.isBlank()).count();
                bound += here;
                String tentative = ip("-n", ns, "-6", "-o", "addr", "show", "tentative").out().strip();
                state.append("  ").append(ns).append(": ").append(here).append(" listening")
                        .append(tentative.isEmpty() ? "" : "; tentative: " + tentative).append('\n');
            }
            if (bound >= listenerCount && !state.toString().contains("tentative:")) {
                return;
            }
            Thread.sleep(50);
        }
        fail("listeners (" + listenerCount + " expected) or IPv6 addresses not ready in time:\n" + state);
    }

    /** Runs every cell, several at once, and returns what was observed, in the cells' order. */
    List<Observed> probe(List<Cell> cells) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Observed>> futures = new ArrayList<>();
            for (Cell c : cells) {
                futures.add(pool.submit(() -> probe(c)));
            }
            List<Observed> out = new ArrayList<>();
            for (Future<Observed> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            // Twelve probes at once on a loaded machine sometimes lose a datagram or a reply for good
            // (seen on published UDP ports at load average 10). A cell that should reach and did not
            // is probed again, alone, twice; a path that is really closed stays closed, and a cell
            // that reached where it should not is never retried.
            for (int i = 0; i < cells.size(); i++) {
                Cell c = cells.get(i);
                for (int retry = 1; retry <= 2 && c.expected() && !out.get(i).reached(); retry++) {
                    out.set(i, probe(c));
                    System.out.println("lab: probed again (" + retry + "): " + c.name() + ": "
                            + (out.get(i).reached() ? "reached" : "still blocked"));
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private Observed probe(Cell c) {
        String ns = switch (c.from()) {
            case CONTAINER -> prefix + c.source();
            case OUTSIDE -> outside;
            case HOST -> host(c.source());
        };
        String v = c.family() == Family.IPV4 ? "4" : "6";
        if (c.icmp()) {
            Kernel.Result r = ip0("ip", "netns", "exec", ns, "ping", "-" + v, "-c", "1", "-W", "2", c.address());
            return new Observed(r.exitCode() == 0, null);
        }
        String target = c.family() == Family.IPV6 ? "[" + c.address() + "]" : c.address();
        Kernel.Result r;
        if (c.protocol().keyword().equals("tcp")) {
            r = ip0("ip", "netns", "exec", ns, "socat", "-T", "3", "-u",
                    "TCP" + v + ":" + target + ":" + c.port() + ",connect-timeout=2", "STDOUT");
        } else {
            // a datagram may be lost where a TCP handshake would be retried, and on a loaded machine the
            // listener's forked reply may take more than a second: four tries, waiting longer each time
            r = null;
            for (int attempt = 1; attempt <= 4 && (r == null || r.out().isBlank()); attempt++) {
                r = Kernel.run("probe\n", List.of("ip", "netns", "exec", ns, "socat", "-T", Integer.toString(attempt), "-",
                        "UDP" + v + ":" + target + ":" + c.port()));
            }
        }
        String peer = r.out().trim().replace("[", "").replace("]", "");
        return new Observed(r.exitCode() == 0 && !peer.isEmpty(), peer.isEmpty() ? null : peer);
    }

    /** The namespaces of the policy's containers, as the ip link script named them. */
    List<String> containerNamespaces(Policy policy) {
        return LabModel.ownNamespace(policy).stream().map(c -> prefix + c.netns()).toList();
    }

    @Override
    public void close() {
        synchronized (processes) {
            for (Process p : processes) {
                p.descendants().forEach(ProcessHandle::destroy);
                p.destroy();
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(5, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        Kernel.Result list = ip0("ip", "netns", "list");
        for (String line : list.out().lines().toList()) {
            String name = line.split(" ")[0];
            if (name.startsWith(prefix)) {
                ip0("ip", "netns", "del", name);
            }
        }
    }

    private static Kernel.Result ip(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        return Kernel.run(null, cmd);
    }

    private static Kernel.Result ip0(String... cmd) {
        return Kernel.run(null, List.of(cmd));
    }

    private static Kernel.Result run(String stdin, String... cmd) {
        return Kernel.run(stdin, List.of(cmd));
    }

    private static void must(Kernel.Result r) {
        if (r.exitCode() != 0) {
            fail("lab set-up step failed (exit " + r.exitCode() + "):\n" + r.out() + r.err());
        }
    }
}
