package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.backend.nftables.NftablesView;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The nftables ruleset keeps its rules fixed: adding networks, containers and published ports
 * only adds set and map elements. (The kernel tests prove the same files load.)
 */
class NftablesScalingTest {

    @Test
    void ruleCountDoesNotGrowWithNetworksOrPorts() {
        int one = rules(policy(1));
        assertEquals(one, rules(policy(10)));
        assertEquals(one, rules(policy(1000)));
        assertEquals(one, rules(Repo.policies().resolve("docker/i-containers.net")));
        assertEquals(one, rules(Repo.policies().resolve("features/two-hundred-networks.net")));
    }

    @Test
    void setElementsGrowWithNetworks() {
        int small = elements(policy(10));
        int large = elements(policy(100));
        assertTrue(large > 5 * small, "set elements must carry the networks: " + small + " then " + large);
    }

    private static int elements(String text) {
        CompileResult r = PolicyCompiler.compileString("generated.net", text, Repo.root());
        return new NftablesBackend().table(r.policy()).sets().stream()
                .mapToInt(set -> set.elements().isEmpty() ? 0 : set.elements().split(",").length).sum();
    }

    private static int rules(Path policy) {
        try {
            return rules(PolicyCompiler.compileFile(policy, Repo.display(policy)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int rules(String text) {
        return rules(PolicyCompiler.compileString("generated.net", text, Repo.root()));
    }

    private static int rules(CompileResult r) {
        assertTrue(r.policy() != null, () -> r.diagnostics().toString());
        NftablesView.TableView t = new NftablesBackend().table(r.policy());
        return t.chains().stream().mapToInt(c -> c.rules().size()).sum();
    }

    /** n networks with one container and one published port each, a mix of icc off and internal. */
    static String policy(int n) {
        StringBuilder b = new StringBuilder("network bridge {}\n");
        for (int i = 0; i < n; i++) {
            b.append("network n").append(i).append(" { subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24").append(i % 5 == 3 ? "; icc off" : "").append(i % 7 == 6 ? "; internal" : "")
                    .append(" }\n");
            b.append("container c").append(i).append(" { attach n").append(i).append("; publish ").append(10000 + i)
                    .append(" -> 80 }\n");
        }
        return b.toString();
    }
}
