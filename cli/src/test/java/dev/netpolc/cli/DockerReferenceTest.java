package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Network;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The five scenarios captured from a real dockerd 20.10: each equivalent policy compiles to the
 * same rules in every chain, and the orderings that decide a verdict hold. Docker's block order
 * depends on creation and restart history, so rules are compared as a multiset per chain.
 */
class DockerReferenceTest {

    private static final Pattern BRIDGE_PLACEHOLDER = Pattern.compile("br-\\{([^}]+)\\}");

    static Stream<String> scenarios() {
        return Stream.of("a-default-bridge", "b-my-bridge-network", "c-no-icc", "e-internal", "i-containers");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyChainHoldsExactlyDockersRules(String scenario) throws IOException {
        Path policy = Repo.policies().resolve("docker/" + scenario + ".net");
        CompileResult compiled = PolicyCompiler.compileFile(policy, Repo.display(policy));
        assertNotNull(compiled.policy(), () -> "policy does not compile: " + compiled.diagnostics());
        IptablesSave reference = IptablesSave.parse(withBridgeNames(reference(scenario), compiled.policy().networksByName()));
        Run run = Run.netpolc("compile", Repo.display(policy));
        assertEquals(0, run.exitCode(), run.err());
        IptablesSave ours = IptablesSave.parse(run.out());

        assertEquals(reference.tables().keySet(), ours.tables().keySet(), "tables");
        for (String table : reference.tables().keySet()) {
            IptablesSave.Table ref = reference.tables().get(table);
            IptablesSave.Table got = ours.tables().get(table);
            assertEquals(ref.chains(), got.chains(), table + ": chains and their policies");
            for (String chain : ref.chains().keySet()) {
                assertEquals(sorted(ref.rules(chain)), sorted(got.rules(chain)), table + " " + chain + ": rules");
            }
        }
        assertVerdictOrdering(ours);
        assertVerdictOrdering(reference);
    }

    /** Docker's IPAM on a fresh daemon gave these containers these addresses and MACs; so must netpolc. */
    @org.junit.jupiter.api.Test
    void containersGetTheAddressesAndMacsDockerGave() throws IOException {
        Path policy = Repo.policies().resolve("docker/i-containers.net");
        var p = PolicyCompiler.compileFile(policy, Repo.display(policy)).policy();
        int rows = 0;
        try (InputStream in = DockerReferenceTest.class.getResourceAsStream("/docker20/i-containers/addresses.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] f = line.trim().split("\\s+");
                var container = p.container(f[0]).orElseThrow();
                var attachment = container.attachments().stream().filter(a -> a.network().equals(f[1])).findFirst()
                        .orElseThrow(() -> new AssertionError(f[0] + " is not on " + f[1]));
                assertEquals(f[2], attachment.ipv4().text(), f[0] + " on " + f[1] + ": address");
                assertEquals(f[3], p.network(f[1]).orElseThrow().ipv4().gateway().text(), f[1] + ": gateway");
                assertEquals(f[4], attachment.mac(), f[0] + " on " + f[1] + ": MAC");
                rows++;
            }
        }
        assertEquals(6, rows, "addresses.txt rows checked");
    }

    /** The orderings that change what happens to a packet; Docker's own file must pass them too. */
    static void assertVerdictOrdering(IptablesSave s) {
        IptablesSave.Table filter = s.tables().get("filter");
        List<String> forward = filter.rules("FORWARD");
        assertEquals("-j DOCKER-USER", forward.get(0), "FORWARD must jump to the user chain first");
        assertEquals("-j DOCKER-ISOLATION-STAGE-1", forward.get(1), "then to isolation");
        for (String chain : List.of("DOCKER-ISOLATION-STAGE-1", "DOCKER-ISOLATION-STAGE-2", "DOCKER-USER")) {
            List<String> rules = filter.rules(chain);
            assertEquals("-j RETURN", rules.get(rules.size() - 1), chain + " must end in RETURN");
            assertEquals(1, Collections.frequency(rules, "-j RETURN"), chain + " has one RETURN");
        }
        int lastAccept = -1;
        int firstIccDrop = Integer.MAX_VALUE;
        for (int i = 0; i < forward.size(); i++) {
            String r = forward.get(i);
            if (r.endsWith("-j ACCEPT")) {
                lastAccept = i;
            }
            if (r.matches("-i (\\S+) -o \\1 -j DROP")) {
                firstIccDrop = Math.min(firstIccDrop, i);
            }
        }
        assertTrue(firstIccDrop > lastAccept, "an icc DROP must come after every ACCEPT in FORWARD");
        List<String> natDocker = s.tables().get("nat").rules("DOCKER");
        int lastReturn = -1;
        int firstDnat = Integer.MAX_VALUE;
        for (int i = 0; i < natDocker.size(); i++) {
            if (natDocker.get(i).endsWith("-j RETURN")) {
                lastReturn = i;
            }
            if (natDocker.get(i).contains("-j DNAT")) {
                firstDnat = Math.min(firstDnat, i);
            }
        }
        assertTrue(lastReturn < firstDnat, "nat DOCKER: a bridge's RETURN comes before the DNAT rules");
    }

    private static String reference(String scenario) throws IOException {
        try (InputStream in = DockerReferenceTest.class.getResourceAsStream("/docker20/" + scenario + "/iptables-save.txt")) {
            assertNotNull(in, "missing reference " + scenario);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withBridgeNames(String text, Map<String, Network> networks) {
        Matcher m = BRIDGE_PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            Network n = networks.get(m.group(1));
            assertNotNull(n, "the policy lacks network " + m.group(1));
            m.appendReplacement(b, Matcher.quoteReplacement(n.bridgeName()));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static List<String> sorted(List<String> rules) {
        List<String> copy = new ArrayList<>(rules);
        Collections.sort(copy);
        return copy;
    }
}
