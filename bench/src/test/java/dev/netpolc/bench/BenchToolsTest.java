package dev.netpolc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's tools: a generated policy is valid and repeatable, and the counts and ferm file are right. */
class BenchToolsTest {

    private static Policy compile(String text) {
        CompileResult r = PolicyCompiler.compileString("gen.net", text, Path.of("."));
        assertNotNull(r.policy(), () -> "generated policy has errors: " + r.diagnostics());
        return r.policy();
    }

    @Test
    void generatedPoliciesAreRepeatableValidAndMixed() {
        GeneratePolicy.Shape shape = new GeneratePolicy.Shape(60, 3, 1, 7);
        String text = GeneratePolicy.generate(shape);
        assertEquals(text, GeneratePolicy.generate(shape));
        Policy p = compile(text);
        assertEquals(61, p.networks().size());
        assertEquals(180, p.containers().size());
        List<Network> user = p.networks().subList(1, 61);
        assertTrue(user.stream().anyMatch(Network::internal), "some network is internal");
        assertTrue(user.stream().anyMatch(n -> !n.icc()), "some network has icc off");
        assertTrue(user.stream().anyMatch(n -> n.ipv6() != null), "some network is dual-stack");
        assertTrue(!GeneratePolicy.generate(new GeneratePolicy.Shape(60, 3, 1, 8)).equals(text), "the seed changes the mix");
        assertThrows(IllegalArgumentException.class, () -> new GeneratePolicy.Shape(60_000, 2, 2, 1));
    }

    @Test
    void aGeneratedDefinePolicyIsRepeatableValidAndHasItsAddresses() {
        GenerateDefinePolicy.Shape shape = new GenerateDefinePolicy.Shape(500, true, 3);
        String text = GenerateDefinePolicy.generate(shape);
        assertEquals(text, GenerateDefinePolicy.generate(shape));
        Policy p = compile(text);
        assertEquals(3, p.rules().size());
        var big = p.rules().get(1).from();
        assertTrue(big.cidrs().size() > 250 && big.cidrs().size() <= 500, () -> big.cidrs().size() + " addresses");
        assertTrue(!big.cidrs(dev.netpolc.ir.Family.IPV4).isEmpty() && !big.cidrs(dev.netpolc.ir.Family.IPV6).isEmpty());
        assertTrue(text.contains("::ffff:"), "some IPv6 members are IPv4-mapped");
        Policy v4 = compile(GenerateDefinePolicy.generate(new GenerateDefinePolicy.Shape(500, false, 3)));
        assertTrue(v4.rules().get(1).from().cidrs(dev.netpolc.ir.Family.IPV6).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new GenerateDefinePolicy.Shape(0, false, 1));
    }

    @Test
    void dockersCountIsTheIptablesRuleCountOfAGeneratedPolicy() {
        Policy p = compile(GeneratePolicy.generate(new GeneratePolicy.Shape(40, 2, 2, 3)));
        String ipt = Backends.byName("iptables").orElseThrow().render(p);
        assertEquals(ipt.lines().filter(l -> l.startsWith("-A ")).count(), RuleCost.dockerRules(p));
    }

    @Test
    void theFermFileHasOneRulePerRule() {
        String ferm = FermFile.translate(List.of("*filter", ":FORWARD DROP [0:0]", ":DOCKER - [0:0]",
                "-A FORWARD -o br-1 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                "-A FORWARD -i br-1 ! -o br-1 -j DOCKER",
                "-A DOCKER -d 10.0.1.2/32 ! -i br-1 -o br-1 -p tcp -m tcp --dport 80 -j ACCEPT", "COMMIT",
                "*nat", ":DOCKER - [0:0]", "-A DOCKER ! -i br-1 -p udp -m udp --dport 10000 -j DNAT --to-destination 10.0.1.2:53",
                "COMMIT"));
        assertTrue(ferm.contains("chain FORWARD {\n            policy DROP;\n"), ferm);
        assertTrue(ferm.contains("outerface br-1 mod conntrack ctstate (RELATED ESTABLISHED) ACCEPT;"), ferm);
        assertTrue(ferm.contains("interface br-1 outerface !br-1 jump DOCKER;"), ferm);
        assertTrue(ferm.contains("daddr 10.0.1.2/32 interface !br-1 outerface br-1 proto tcp dport 80 ACCEPT;"), ferm);
        assertTrue(ferm.contains("interface !br-1 proto udp dport 10000 DNAT to 10.0.1.2:53;"), ferm);
        assertThrows(IllegalArgumentException.class, () -> FermFile.translate(List.of("*filter", ":X - [0:0]", "-A X -m set --match-set s src -j DROP")));
    }
}
