package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import net.jqwik.api.lifecycle.SkipExecutionHook.SkipResult;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties over generated valid policies: compiling is deterministic; formatting and attribute
 * order do not change the rules; every container gets exactly one address per attached network,
 * inside the subnet and the range, never one another container has; bridge names are unique; every
 * firewall output passes its validator (iptables-restore --test, ip6tables-restore --test, nft -c).
 */
class PolicyPropertiesTest {

    /** One generated network. */
    record Net(boolean ipv6, boolean range, boolean gateway, boolean icc, boolean internal, boolean masquerade,
            boolean snat, boolean mtu) {}

    /** One generated container: indexes of the networks it attaches, a static address on the first, ports. */
    record Ctr(List<Integer> attach, boolean staticIp, int ports) {}

    /** A generated policy, and the seed that shuffles its second rendering. */
    record Gen(List<Net> nets, List<Ctr> ctrs, boolean proxy, long seed) {

        String render(boolean scrambled) {
            Random rnd = new Random(seed);
            StringBuilder b = new StringBuilder();
            if (scrambled) {
                b.append("# generated ").append(seed).append('\n');
            }
            if (!proxy) {
                b.append("settings { userland-proxy off }\n");
            }
            b.append("network bridge {}\n");
            for (int i = 0; i < nets.size(); i++) {
                Net n = nets.get(i);
                List<String> attrs = new ArrayList<>();
                attrs.add("subnet 10.77." + i + ".0/24");
                if (n.ipv6()) {
                    attrs.add("subnet fd77:" + i + "::/64");
                }
                if (n.range()) {
                    attrs.add("ip-range 10.77." + i + ".128/25");
                }
                if (n.gateway()) {
                    attrs.add("gateway 10.77." + i + ".254");
                }
                if (!n.icc()) {
                    attrs.add("icc off");
                }
                if (n.internal()) {
                    attrs.add("internal");
                } else if (!n.masquerade()) {
                    attrs.add("masquerade off");
                } else if (n.snat()) {
                    attrs.add("snat-source 198.51.100." + (i + 1));
                }
                if (n.mtu()) {
                    attrs.add("mtu 1400");
                }
                block(b, "network", "n" + i, attrs, scrambled, rnd);
            }
            int port = 20000;
            for (int i = 0; i < ctrs.size(); i++) {
                Ctr c = ctrs.get(i);
                List<String> attrs = new ArrayList<>();
                for (int k = 0; k < c.attach().size(); k++) {
                    int net = c.attach().get(k);
                    attrs.add("attach n" + net + (k == 0 && c.staticIp() ? " ip 10.77." + net + "." + (100 + i) : ""));
                }
                List<String> publishes = new ArrayList<>();
                for (int p = 0; p < c.ports(); p++) {
                    publishes.add("publish " + port++ + " -> " + (80 + p) + (p % 2 == 1 ? "/udp" : ""));
                }
                if (scrambled) {
                    // attach order decides eth0, eth1, ... and publishes their rule order; the rest may move
                    List<String> all = new ArrayList<>(attrs);
                    int at = rnd.nextInt(all.size() + 1);
                    all.addAll(at, publishes);
                    attrs = all;
                } else {
                    attrs.addAll(publishes);
                }
                block(b, "container", "c" + i, attrs, false, rnd);
            }
            return b.toString();
        }

        private static void block(StringBuilder b, String kind, String name, List<String> attrs, boolean shuffle, Random rnd) {
            List<String> a = new ArrayList<>(attrs);
            if (shuffle) {
                List<String> subnets = a.stream().filter(s -> s.startsWith("subnet")).toList();
                List<String> rest = new ArrayList<>(a.stream().filter(s -> !s.startsWith("subnet")).toList());
                Collections.shuffle(rest, rnd);
                a = new ArrayList<>(subnets);
                a.addAll(rest);
                b.append(kind).append(" \"").append(name).append("\"\n{\n");
                for (String s : a) {
                    b.append(rnd.nextBoolean() ? "\t" : "   ").append(s).append(rnd.nextBoolean() ? " ;" : "")
                            .append(rnd.nextBoolean() ? "   # note\n" : "\n");
                }
                b.append("}\n\n");
            } else {
                b.append(kind).append(' ').append(name).append(" { ").append(String.join("; ", a)).append(" }\n");
            }
        }
    }

    @Provide
    Arbitrary<Gen> policies() {
        Arbitrary<Boolean> bool = Arbitraries.of(true, false);
        Arbitrary<Net> net = Combinators.combine(bool, bool, bool, bool, bool, bool, bool, bool).as(Net::new);
        return net.list().ofMinSize(1).ofMaxSize(5).flatMap(nets -> {
            Arbitrary<List<Integer>> attach = Arbitraries.integers().between(0, nets.size() - 1).set().ofMinSize(1)
                    .ofMaxSize(Math.min(3, nets.size())).map(ArrayList::new);
            Arbitrary<Ctr> ctr = Combinators.combine(attach, bool, Arbitraries.integers().between(0, 2)).as(Ctr::new);
            return Combinators.combine(Arbitraries.just(nets), ctr.list().ofMaxSize(6), bool, Arbitraries.longs())
                    .as(Gen::new);
        });
    }

    private static Policy compile(String text) {
        CompileResult r = PolicyCompiler.compileString("gen.net", text, Path.of("."));
        assertNotNull(r.policy(), () -> r.diagnostics() + "\n" + text);
        return r.policy();
    }

    @Property(tries = 200)
    void formattingAndOrderWithinBlocksDoNotChangeTheRules(@ForAll("policies") Gen g) {
        Policy plain = compile(g.render(false));
        Policy scrambled = compile(g.render(true));
        for (Backend b : Backends.all()) {
            assertEquals(b.render(plain), b.render(scrambled), () -> b.name() + "\n" + g.render(true));
            assertEquals(b.render(plain), b.render(compile(g.render(false))), "deterministic");
        }
    }

    @Property(tries = 200)
    void addressesAreUniqueAndInsideTheirSubnetAndRange(@ForAll("policies") Gen g) throws Exception {
        Policy p = compile(g.render(false));
        Set<String> bridges = new HashSet<>();
        for (Network n : p.networks()) {
            if (n.bridgeName() != null) {
                assertTrue(bridges.add(n.bridgeName()), "bridge name used twice: " + n.bridgeName());
            }
        }
        for (Network n : p.networks()) {
            Set<String> seen = new HashSet<>();
            for (Container c : p.containers()) {
                List<Attachment> on = c.attachments().stream().filter(a -> a.network().equals(n.name())).toList();
                assertTrue(on.size() <= 1, "attached twice");
                for (Attachment a : on) {
                    assertNotNull(a.ipv4(), c.name() + " has no address on " + n.name());
                    assertTrue(seen.add(a.ipv4().text()), "address used twice: " + a.ipv4());
                    assertTrue(inside(a.ipv4().text(), n.ipv4().cidr().toString()), a.ipv4() + " not in " + n.ipv4().cidr());
                    assertTrue(!a.ipv4().text().equals(n.ipv4().gateway().text()), "a container got the gateway");
                    if (!a.staticIpv4()) {
                        assertTrue(inside(a.ipv4().text(), n.ipv4().ipRange().toString()), a.ipv4() + " not in the range");
                    }
                    assertEquals(n.ipv6() != null, a.ipv6() != null, "an IPv6 address exactly on IPv6 networks");
                }
            }
        }
    }

    /** What the validator property needs: without it every try would be rejected, and the property fail. */
    static final String[] VALIDATORS = {"unshare", "iptables-restore", "ip6tables-restore", "nft"};

    /**
     * Skips the validator property, with one loud line, where the validators are missing, as the
     * kernel tests are skipped (an assumption inside a property only rejects one try). In CI the
     * property runs, and {@link Kernel#require} fails it.
     */
    static final class ValidatorsInstalled implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            String missing = Kernel.missing("validator property", true, VALIDATORS);
            if (missing == null || Kernel.inCi()) {
                return SkipResult.doNotSkip();
            }
            Kernel.skipped(missing);
            return SkipResult.skip(missing);
        }
    }

    @Property(tries = 25)
    @AddLifecycleHook(ValidatorsInstalled.class)
    void everyFirewallOutputPassesItsValidator(@ForAll("policies") Gen g) {
        Kernel.require(VALIDATORS);
        Policy p = compile(g.render(false));
        for (String target : List.of("iptables", "ip6tables", "nftables")) {
            var found = Validators.validate(target, Backends.byName(target).orElseThrow().render(p), "gen.net");
            assertEquals(List.of(), found, () -> target + " rejected:\n" + g.render(false));
        }
    }

    private static boolean inside(String address, String cidr) throws Exception {
        String[] parts = cidr.split("/");
        int prefix = Integer.parseInt(parts[1]);
        BigInteger a = new BigInteger(1, InetAddress.getByName(address).getAddress());
        BigInteger n = new BigInteger(1, InetAddress.getByName(parts[0]).getAddress());
        int bits = InetAddress.getByName(address).getAddress().length * 8;
        return a.shiftRight(bits - prefix).equals(n.shiftRight(bits - prefix));
    }
}
