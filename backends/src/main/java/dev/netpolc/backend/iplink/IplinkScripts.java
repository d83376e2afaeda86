package dev.netpolc.backend.iplink;

import dev.netpolc.backend.iplink.HostPlan.AddrView;
import dev.netpolc.backend.iplink.HostPlan.BridgeView;
import dev.netpolc.backend.iplink.HostPlan.ContainerView;
import dev.netpolc.backend.iplink.HostPlan.Drop;
import dev.netpolc.backend.iplink.HostPlan.InterfaceView;
import dev.netpolc.backend.iplink.HostPlan.RouteView;
import dev.netpolc.backend.iplink.HostPlan.Sysctl;
import dev.netpolc.backend.iplink.HostPlan.VlanView;
import dev.netpolc.backend.iplink.HostPlan.VxlanView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Prints the three iplink scripts from a {@link HostPlan}. The scripts' fixed parts (comments and
 * shell functions) are plain text files next to this class ({@code setup-intro.sh},
 * {@code common.sh}, ...), printed as they are; this class prints the lines made from the plan,
 * whose every name is already quoted.
 *
 * <p>These scripts were FreeMarker templates. For 10,000 networks of 10 containers (1.5 million
 * lines) the template engine took 5.6 s, most of it reflective calls on the view-model, where
 * printing them directly takes a fraction of a second (docs/performance.md); the scripts are the
 * same byte for byte, which the golden files check.
 */
final class IplinkScripts {

    /** Containers at which the container sections are printed by two threads (each half its own text). */
    static final int PARALLEL_MIN_CONTAINERS = 20_000;

    private final int parallelMinContainers;

    /** Scripts whose container sections are printed by two threads from {@code parallelMinContainers} containers on. */
    IplinkScripts(int parallelMinContainers) {
        this.parallelMinContainers = parallelMinContainers;
    }

    /** A fixed part of the scripts, read once. */
    private static final class Text {
        static final String COMMON = read("common.sh");
        static final String SYSCTL_FUNCTIONS = read("sysctl-functions.sh");

        static String read(String name) {
            try (InputStream in = IplinkScripts.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static StringBuilder header(String kind, HostPlan plan, String intro) {
        int size = 4096 + plan.containers().size() * 900 + plan.bridges().size() * 300;
        StringBuilder b = new StringBuilder(size);
        b.append("#!/bin/sh\n# netpolc ").append(kind).append(" for ").append(plan.source());
        if (plan.node() != null) {
            b.append(", node ").append(plan.node());
        }
        b.append(".\n").append(Text.read(intro)).append(Text.COMMON);
        return b;
    }

    private static void sysctls(StringBuilder b, HostPlan plan) {
        if (plan.sysctls().isEmpty()) {
            return;
        }
        b.append(Text.SYSCTL_FUNCTIONS);
        if (plan.brNetfilter()) {
            b.append("# Bridged traffic must pass iptables for 'icc off' to drop it: br_netfilter.\n");
            b.append("[ -d /proc/sys/net/bridge ] || modprobe br_netfilter\n");
        }
        for (Sysctl s : plan.sysctls()) {
            b.append("sysctl_on ").append(s.path()).append(" # ").append(s.key()).append("=1\n");
        }
    }

    private static StringBuilder mtu(StringBuilder b, Integer mtu) {
        return mtu == null ? b : b.append(" mtu ").append(mtu.intValue());
    }

    private static void addr(StringBuilder b, String prefix, AddrView a, String device) {
        b.append(prefix).append("addr replace ").append(a.cidr()).append(" dev ").append(device);
        b.append(a.ipv6() ? " nodad\n" : "\n");
    }

    private static void vxlanAdd(StringBuilder b, VxlanView x) {
        b.append("link add name ").append(x.name());
        mtu(b, x.mtu()).append(" type vxlan id ").append(x.vni()).append(" dstport ").append(x.port());
        if (x.underlay() != null) {
            b.append(" dev ").append(x.underlay());
        }
        if (x.local() != null) {
            b.append(" local ").append(x.local());
        }
        b.append(" nolearning\n");
    }

    /**
     * Prints {@code part} for every container, in order. A long list is printed in two halves at
     * once, the second into a text of its own appended after the first: the same bytes, in about
     * half the time on two cores (100,000 containers are 70 MB of script).
     */
    private void perContainer(StringBuilder b, List<ContainerView> cs, BiConsumer<StringBuilder, ContainerView> part) {
        if (cs.size() < parallelMinContainers) {
            for (ContainerView c : cs) {
                part.accept(b, c);
            }
            return;
        }
        int mid = cs.size() / 2;
        StringBuilder second = new StringBuilder(Math.max(16, (b.capacity() - b.length()) / 2));
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                for (ContainerView c : cs.subList(mid, cs.size())) {
                    part.accept(second, c);
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "netpolc-iplink");
        t.start();
        for (ContainerView c : cs.subList(0, mid)) {
            part.accept(b, c);
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while printing the iplink script", e);
        }
        if (failure[0] instanceof RuntimeException r) {
            throw r;
        } else if (failure[0] instanceof Error e) {
            throw e;
        }
        b.append(second);
    }

    /**
     * A mark as a shell word: the quoted mark, then the owner ({@code $o}, set from
     * {@code NETPOLC_OWNER} by common.sh) that apply adds to tell its links from others'.
     */
    private static String word(String quotedMark) {
        return quotedMark + "\"$o\"";
    }

    /**
     * A mark in a line of {@code ip -batch} input inside an unquoted here-document, where the
     * shell puts the owner in: {@code 'netpolc:bridge:x$o'}. The owner is hex digits or nothing.
     */
    private static String inBatch(String quotedMark) {
        return quotedMark.substring(0, quotedMark.length() - 1) + "$o'";
    }

    /** Builds everything, one {@code ip} command at a time. */
    String setup(HostPlan plan) {
        StringBuilder b = header("iplink", plan, "setup-intro.sh");
        b.append(Text.read("setup-functions.sh"));
        sysctls(b, plan);
        for (BridgeView br : plan.bridges()) {
            String n = br.name();
            b.append("\n# network ").append(br.network()).append(": bridge ").append(n).append('\n');
            b.append("if absent '' ").append(n).append(' ').append(word(br.mark())).append("; then\n");
            b.append("    ip link add name ").append(n).append(" type bridge\n");
            b.append("    ip link set dev ").append(n).append(" alias ").append(word(br.mark())).append("\nfi\n");
            if (br.mtu() != null) {
                b.append("ip link set dev ").append(n).append(" mtu ").append(br.mtu().intValue()).append('\n');
            }
            for (AddrView a : br.addresses()) {
                addr(b, "ip ", a, n);
            }
            b.append("ip link set dev ").append(n).append(" up\n");
            if (br.routeLocalnet() != null) {
                b.append("sysctl_on ").append(br.routeLocalnet()).append('\n');
            }
        }
        for (VxlanView x : plan.vxlans()) {
            b.append("\n# network ").append(x.network()).append(": VXLAN ").append(x.vni()).append(" on bridge ")
                    .append(x.bridge()).append('\n');
            b.append("if absent '' ").append(x.name()).append(' ').append(word(x.mark())).append("; then\n    ip ");
            vxlanAdd(b, x);
            b.append("    ip link set dev ").append(x.name()).append(" alias ").append(word(x.mark())).append("\nfi\n");
            b.append("ip link set dev ").append(x.name()).append(" master ").append(x.bridge()).append(" up\n");
            for (String peer : x.peers()) {
                b.append("bridge fdb append 00:00:00:00:00:00 dev ").append(x.name()).append(" dst ").append(peer).append('\n');
            }
        }
        for (VlanView v : plan.vlans()) {
            b.append("\n# VLAN ").append(v.vid()).append(" of ").append(v.parent()).append(", the parent of network ")
                    .append(v.users()).append("; an existing one is used as it is\n");
            b.append("if ! ip -o link show dev ").append(v.name()).append(" >/dev/null 2>&1; then\n");
            b.append("    ip link add link ").append(v.parent()).append(" name ").append(v.name()).append(" type vlan id ")
                    .append(v.vid()).append('\n');
            b.append("    ip link set dev ").append(v.name()).append(" alias ").append(word(v.mark())).append("\nfi\n");
            b.append("ip link set dev ").append(v.name()).append(" up\n");
        }
        perContainer(b, plan.containers(), (out, c) -> {
            out.append("\n# container ").append(c.name());
            if (c.note() != null) {
                out.append(": ").append(c.note());
            }
            out.append('\n');
            if (c.netns() != null) {
                out.append("ns=\"$p\"").append(c.netns()).append("\nnetns \"$ns\" ").append(word(c.mark())).append('\n');
            }
            for (InterfaceView i : c.interfaces()) {
                if (i.veth()) {
                    String hv = i.hostVeth();
                    out.append("# ").append(i.name()).append(" on network ").append(i.network())
                            .append(": veth pair, host end ").append(hv).append(" on bridge ").append(i.bridge()).append('\n');
                    out.append("if absent '' ").append(hv).append(' ').append(word(i.mark())).append("; then\n");
                    out.append("    free \"$ns\" ").append(i.name()).append('\n');
                    out.append("    ip link add name ").append(hv);
                    mtu(out, i.mtu()).append(" type veth peer name ").append(i.name()).append(" address ").append(i.mac());
                    mtu(out, i.mtu()).append(" netns \"$ns\"\n");
                    out.append("    ip link set dev ").append(hv).append(" alias ").append(word(i.mark())).append("\nfi\n");
                    out.append("ip link set dev ").append(hv).append(" master ").append(i.bridge()).append(" up\n");
                    if (i.hairpin()) {
                        out.append("ip link set dev ").append(hv).append(" type bridge_slave hairpin on\n");
                    }
                } else {
                    out.append("# ").append(i.name()).append(" on network ").append(i.network())
                            .append(": macvlan device (mode ").append(i.mode()).append(") on ").append(i.lower()).append('\n');
                    out.append("if absent \"$ns\" ").append(i.name()).append(' ').append(word(i.mark())).append("; then\n");
                    out.append("    ip link add link ").append(i.lower()).append(" name ").append(i.name()).append(" address ")
                            .append(i.mac());
                    mtu(out, i.mtu()).append(" netns \"$ns\" type macvlan mode ").append(i.mode()).append('\n');
                    out.append("    ip -n \"$ns\" link set dev ").append(i.name()).append(" alias ").append(word(i.mark()))
                            .append("\nfi\n");
                }
                out.append("ip -n \"$ns\" link set dev ").append(i.name()).append(" up\n");
                for (AddrView a : i.addresses()) {
                    addr(out, "ip -n \"$ns\" ", a, i.name());
                }
            }
            for (RouteView r : c.routes()) {
                out.append("ip -n \"$ns\"").append(r.ipv6() ? " -6" : "").append(" route replace default via ")
                        .append(r.gateway()).append(" dev ").append(r.device()).append('\n');
            }
        });
        return b.toString();
    }

    /** Removes what the setup created, and nothing else. */
    String teardown(HostPlan plan) {
        StringBuilder b = header("iplink-teardown", plan, "teardown-intro.sh");
        b.append(Text.read("teardown-functions.sh"));
        for (Drop d : plan.drops()) {
            b.append("\n# ").append(d.comment()).append('\n');
            if (d.link() == null) {
                b.append("drop_netns \"$p\"").append(d.namespace()).append(' ').append(word(d.mark())).append('\n');
            } else if (d.namespace() != null) {
                b.append("drop_link \"$p\"").append(d.namespace()).append(' ').append(d.link()).append(' ').append(word(d.mark()))
                        .append('\n');
            } else {
                b.append("drop_link '' ").append(d.link()).append(' ').append(word(d.mark())).append('\n');
            }
        }
        return b.toString();
    }

    /** As the setup, with one {@code ip -batch} for the host's links and one per container namespace. */
    String batch(HostPlan plan) {
        StringBuilder b = header("iplink-batch", plan, "batch-intro.sh");
        b.append(Text.read("batch-functions.sh"));
        for (BridgeView br : plan.bridges()) {
            b.append("check \"$host\" ").append(br.name()).append(' ').append(word(br.mark())).append(" # network ")
                    .append(br.network()).append(": bridge\n");
            b.append('b').append(br.id()).append("=$skip\n");
        }
        for (VxlanView x : plan.vxlans()) {
            b.append("check \"$host\" ").append(x.name()).append(' ').append(word(x.mark())).append(" # network ")
                    .append(x.network()).append(": VXLAN device\n");
            b.append('x').append(x.id()).append("=$skip\n");
        }
        for (VlanView v : plan.vlans()) {
            b.append("# VLAN ").append(v.vid()).append(" of ").append(v.parent()).append(", for network ").append(v.users())
                    .append(": an existing one is used as it is\n");
            b.append('v').append(v.id()).append("='#'\n");
            b.append("has \"$host\" ").append(v.name()).append(" || v").append(v.id()).append("=\n");
        }
        perContainer(b, plan.containers(), (out, c) -> {
            if (c.netns() == null) {
                return;
            }
            int id = c.id();
            out.append("# container ").append(c.name()).append('\n');
            out.append("ns").append(id).append("=\"$p\"").append(c.netns()).append('\n');
            out.append("new_netns \"$ns").append(id).append("\" ").append(word(c.mark())).append('\n');
            out.append('n').append(id).append("=$skip\n");
            if (c.hasMacvlan()) {
                out.append('d').append(id).append("=\n");
                out.append("[ -z \"$n").append(id).append("\" ] || d").append(id).append("=$(links \"$ns").append(id).append("\")\n");
            }
            for (InterfaceView i : c.interfaces()) {
                if (i.veth()) {
                    out.append("check \"$host\" ").append(i.hostVeth()).append(' ').append(word(i.mark())).append('\n');
                    out.append('i').append(i.id()).append("=$skip\n");
                    out.append("[ -n \"$i").append(i.id()).append("\" ] || [ -z \"$n").append(id).append("\" ] || free \"$(links \"$ns")
                            .append(id).append("\")\" ").append(i.name()).append(" \"$ns").append(id).append("\"\n");
                } else {
                    out.append("check \"$d").append(id).append("\" ").append(i.name()).append(' ').append(word(i.mark())).append('\n');
                    out.append('i').append(i.id()).append("=$skip\n");
                }
            }
        });
        sysctls(b, plan);
        b.append("\n# The host's links, all in one ip process. A line that starts with '#' is skipped: what it\n");
        b.append("# creates exists already.\nip -batch - <<EOF\n");
        perContainer(b, plan.containers(), (out, c) -> {
            if (c.netns() != null) {
                out.append("$n").append(c.id()).append(" netns add '$ns").append(c.id()).append("'\n");
            }
        });
        for (BridgeView br : plan.bridges()) {
            String n = br.name();
            b.append("$b").append(br.id()).append(" link add name ").append(n).append(" type bridge\n");
            b.append("$b").append(br.id()).append(" link set dev ").append(n).append(" alias ").append(inBatch(br.mark())).append('\n');
            if (br.mtu() != null) {
                b.append("link set dev ").append(n).append(" mtu ").append(br.mtu().intValue()).append('\n');
            }
            for (AddrView a : br.addresses()) {
                addr(b, "", a, n);
            }
            b.append("link set dev ").append(n).append(" up\n");
        }
        for (VxlanView x : plan.vxlans()) {
            b.append("$x").append(x.id()).append(' ');
            vxlanAdd(b, x);
            b.append("$x").append(x.id()).append(" link set dev ").append(x.name()).append(" alias ").append(inBatch(x.mark())).append('\n');
            b.append("link set dev ").append(x.name()).append(" master ").append(x.bridge()).append(" up\n");
        }
        for (VlanView v : plan.vlans()) {
            b.append("$v").append(v.id()).append(" link add link ").append(v.parent()).append(" name ").append(v.name())
                    .append(" type vlan id ").append(v.vid()).append('\n');
            b.append("$v").append(v.id()).append(" link set dev ").append(v.name()).append(" alias ").append(inBatch(v.mark())).append('\n');
            b.append("link set dev ").append(v.name()).append(" up\n");
        }
        perContainer(b, plan.containers(), (out, c) -> {
            for (InterfaceView i : c.interfaces()) {
                if (i.veth()) {
                    String hv = i.hostVeth();
                    out.append("$i").append(i.id()).append(" link add name ").append(hv);
                    mtu(out, i.mtu()).append(" type veth peer name ").append(i.name()).append(" address ").append(i.mac());
                    mtu(out, i.mtu()).append(" netns '$ns").append(c.id()).append("'\n");
                    out.append("$i").append(i.id()).append(" link set dev ").append(hv).append(" alias ").append(inBatch(i.mark())).append('\n');
                    out.append("link set dev ").append(hv).append(" master ").append(i.bridge()).append(" up\n");
                    if (i.hairpin()) {
                        out.append("link set dev ").append(hv).append(" type bridge_slave hairpin on\n");
                    }
                } else {
                    out.append("$i").append(i.id()).append(" link add link ").append(i.lower()).append(" name ").append(i.name())
                            .append(" address ").append(i.mac());
                    mtu(out, i.mtu()).append(" netns '$ns").append(c.id()).append("' type macvlan mode ").append(i.mode()).append('\n');
                }
            }
        });
        b.append("EOF\n");
        for (BridgeView br : plan.bridges()) {
            if (br.routeLocalnet() != null) {
                b.append("sysctl_on ").append(br.routeLocalnet()).append('\n');
            }
        }
        if (!plan.vxlans().isEmpty()) {
            b.append("\n# The VXLAN devices' flood entries, one per peer; appending one that exists changes nothing.\n");
            b.append("bridge -batch - <<EOF\n");
            for (VxlanView x : plan.vxlans()) {
                for (String peer : x.peers()) {
                    b.append("fdb append 00:00:00:00:00:00 dev ").append(x.name()).append(" dst ").append(peer).append('\n');
                }
            }
            b.append("EOF\n");
        }
        perContainer(b, plan.containers(), (out, c) -> {
            if (c.netns() == null) {
                out.append("\n# container ").append(c.name()).append(": ").append(c.note()).append('\n');
                return;
            }
            int id = c.id();
            out.append("\n# container ").append(c.name());
            if (c.note() != null) {
                out.append(": ").append(c.note());
            }
            out.append("\nip -n \"$ns").append(id).append("\" -batch - <<EOF\n");
            out.append("$n").append(id).append(" link set dev lo alias ").append(inBatch(c.mark())).append('\n');
            out.append("link set dev lo up\n");
            for (InterfaceView i : c.interfaces()) {
                if (!i.veth()) {
                    out.append("$i").append(i.id()).append(" link set dev ").append(i.name()).append(" alias ").append(inBatch(i.mark()))
                            .append('\n');
                }
                out.append("link set dev ").append(i.name()).append(" up\n");
                for (AddrView a : i.addresses()) {
                    addr(out, "", a, i.name());
                }
            }
            for (RouteView r : c.routes()) {
                out.append("route replace default via ").append(r.gateway()).append(" dev ").append(r.device()).append('\n');
            }
            out.append("EOF\n");
        });
        return b.toString();
    }
}
