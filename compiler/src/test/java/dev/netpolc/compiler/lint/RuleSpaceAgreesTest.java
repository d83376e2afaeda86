package dev.netpolc.compiler.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * {@link RuleSpace}, which compares endpoints through address indexes, against {@link BruteRuleSpace},
 * which compares every address with every other: the same containment, overlap and baseline for
 * every pair of rules of random small policies. The endpoints mix containers, networks, addresses
 * inside, around and outside the bridges' subnets (IPv4-mapped ones too), sets of them,
 * {@code external}, {@code any} and {@code host}.
 */
class RuleSpaceAgreesTest {

    private static final AtomicInteger COMPARED = new AtomicInteger();

    private static final String[] ATOMS = {"c1", "c2", "c3", "c4", "network n1", "network n2", "network n3", "10.0.1.0/24",
        "10.0.1.2", "10.0.1.128/25", "10.0.0.0/16", "10.0.2.0/23", "192.0.2.1", "198.51.100.0/24", "0.0.0.0/1",
        "fd00:1::/64", "fd00:1::2", "fd00::/16", "2001:db8::1", "::ffff:10.0.1.2", "::ffff:0:0/96", "::/96", "external",
        "s1", "s2"};
    private static final String[] SERVICES = {"", " port 80/tcp", " port 80/tcp, 53/udp", " proto udp", " port 1-1000/tcp",
        " proto icmp", " icmp-type echo-request"};
    private static final String[] VERDICTS = {"allow", "deny", "reject", "log deny", "log", "allow", "deny"};

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static String set(Random r, int depth) {
        StringBuilder b = new StringBuilder("{ ");
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String a = depth > 0 && r.nextInt(5) == 0 ? set(r, depth - 1) : pick(r, ATOMS);
            b.append(i == 0 ? "" : ", ").append(a.equals("s1") || a.equals("s2") ? "192.0.2.7" : a);
        }
        return b.append(" }").toString();
    }

    private static String endpoint(Random r) {
        int k = r.nextInt(12);
        return k < 7 ? pick(r, ATOMS) : k < 10 ? set(r, 1) : k == 10 ? "any" : "host";
    }

    static String policy(long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder("network bridge {}\n");
        for (int i = 1; i <= 3; i++) {
            b.append("network n").append(i).append(" { subnet 10.0.").append(i).append(".0/24");
            if (r.nextInt(3) > 0) {
                b.append("; subnet fd00:").append(i).append("::/64");
            }
            if (r.nextInt(4) == 0) {
                b.append("; internal");
            }
            if (r.nextInt(4) == 0) {
                b.append("; icc off");
            }
            b.append(" }\n");
        }
        for (int i = 1; i <= 4; i++) {
            int n = 1 + r.nextInt(3);
            b.append("container c").append(i).append(" { attach n").append(n);
            if (r.nextInt(3) == 0) {
                b.append("; publish ").append(8000 + i).append(" -> 80");
            }
            b.append(" }\n");
        }
        b.append("define s1 = ").append(set(r, 2)).append('\n');
        b.append("define s2 = ").append(set(r, 1)).append('\n');
        int rules = 2 + r.nextInt(6);
        for (int i = 0; i < rules; i++) {
            String from = endpoint(r);
            String to = endpoint(r);
            if (from.equals("host") && to.equals("host")) {
                to = "any";
            }
            b.append(pick(r, VERDICTS)).append(' ').append(from).append(" -> ").append(to).append(pick(r, SERVICES)).append('\n');
        }
        if (r.nextInt(4) == 0) {
            b.append("settings { forward-policy accept }\n");
        }
        return b.toString();
    }

    @Property(tries = 1500)
    void indexedRuleSpaceAnswersAsTheBruteOne(@ForAll long seed) {
        String text = policy(seed);
        CompileResult c = PolicyCompiler.compileString("gen.net", text, Path.of("."));
        Policy p = c.policy();
        if (p == null) {
            return; // a rule whose sides share no family, and the like: nothing to lint
        }
        RuleSpace fast = new RuleSpace(p);
        BruteRuleSpace brute = new BruteRuleSpace(p);
        List<PolicyRule> rules = p.rules();
        for (PolicyRule a : rules) {
            assertEquals(brute.baseline(a), fast.baseline(a), () -> "baseline of " + a.text() + "\n" + text);
            for (PolicyRule b : rules) {
                assertEquals(brute.contains(a, b), fast.contains(a, b), () -> a.text() + " holds " + b.text() + "\n" + text);
                assertEquals(brute.overlap(a, b), fast.overlap(a, b), () -> a.text() + " meets " + b.text() + "\n" + text);
            }
        }
        COMPARED.incrementAndGet();
    }

    @AfterContainer
    static void mostPoliciesCompiled() {
        // the property means little if most generated policies had errors
        assertTrue(COMPARED.get() > 500, COMPARED.get() + " of 1500 generated policies compiled");
    }
}
