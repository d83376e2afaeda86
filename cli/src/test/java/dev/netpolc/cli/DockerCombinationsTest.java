package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any mix of network options, not only the five captured scenarios, must give Docker's rules.
 * The expected number of rules in every chain comes from an independent model of Docker's
 * layout (the per-network and per-port rule counts in docs of the Docker networking model),
 * never from the backend, so a rule missing or added for some combination shows up here.
 */
class DockerCombinationsTest {

    /** One generated network: its options and how many ports its container publishes. */
    record Net(boolean icc, boolean internal, boolean masquerade, boolean snat, int ports, boolean sctp) {}

    /** A generated policy: the networks, and whether the userland proxy is on. */
    record Case(List<Net> nets, boolean proxy) {
        String policy() {
            StringBuilder b = new StringBuilder();
            if (!proxy) {
                b.append("settings { userland-proxy off }\n");
            }
            for (int i = 0; i < nets.size(); i++) {
                Net n = nets.get(i);
                b.append("network n").append(i).append(" { subnet 10.").append(i).append(".0.0/24");
                b.append(n.icc() ? "" : "; icc off");
                b.append(n.internal() ? "; internal" : "");
                b.append(n.internal() || n.masquerade() ? "" : "; masquerade off");
                b.append(!n.internal() && n.masquerade() && n.snat() ? "; snat-source 192.0.2." + (i + 1) : "");
                b.append(" }\n");
                b.append("container c").append(i).append(" { attach n").append(i);
                for (int p = 0; p < n.ports(); p++) {
                    b.append("; publish ").append(20000 + 100 * i + p).append(" -> ").append(80 + p)
                            .append(n.sctp() && p == 0 ? "/sctp" : "");
                }
                b.append(" }\n");
            }
            return b.toString();
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Net> net = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false), Arbitraries.of(true, false), Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false)).as(Net::new);
        return Combinators.combine(net.list().ofMinSize(0).ofMaxSize(6), Arbitraries.of(true, false)).as(Case::new);
    }

    @Property(tries = 300)
    void everyChainHasTheRulesDockerCreates(@ForAll("cases") Case c) {
        // --allow-empty: a case without networks checks the bare skeleton, which compile refuses by default
        Run run = Run.netpolcIn(Repo.root(), c.policy().getBytes(java.nio.charset.StandardCharsets.UTF_8), "compile",
                "--allow-empty", "-");
        assertEquals(0, run.exitCode(), () -> c.policy() + run.err());
        IptablesSave s = IptablesSave.parse(run.out());
        Map<String, Integer> expected = expectedCounts(c);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            String[] tc = e.getKey().split(" ");
            IptablesSave.Table table = s.tables().get(tc[0]);
            int actual = table == null ? 0 : table.rules(tc[1]).size();
            assertEquals(e.getValue(), actual, () -> e.getKey() + " for\n" + c.policy() + "\n" + run.out());
        }
    }

    /** Docker's layout, counted: what each network and each published port adds to each chain. */
    static Map<String, Integer> expectedCounts(Case c) {
        int normal = 0;
        int internal = 0;
        int forward = 1;
        int stage1 = 1;
        int stage2 = 1;
        int postrouting = 0;
        int natDocker = 0;
        int ports = 0;
        int sctp = 0;
        for (Net n : c.nets()) {
            if (n.internal()) {
                internal++;
                forward += 1; // the icc ACCEPT, or the icc DROP at the end
                stage1 += 2;
                continue;
            }
            normal++;
            forward += 3 + 1; // conntrack, jump, outgoing ACCEPT; icc ACCEPT or DROP
            stage1 += 1;
            stage2 += 1;
            postrouting += (c.proxy() ? 0 : 1) + (n.masquerade() ? 1 : 0);
            natDocker += n.masquerade() && c.proxy() ? 1 : 0;
            ports += n.ports();
            sctp += n.sctp() && n.ports() > 0 ? 1 : 0;
        }
        if (normal + internal > 0) {
            forward += 1; // the jump to isolation
        }
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"filter FORWARD", forward});
        rows.add(new Object[] {"filter DOCKER", ports});
        rows.add(new Object[] {"filter DOCKER-ISOLATION-STAGE-1", stage1});
        rows.add(new Object[] {"filter DOCKER-ISOLATION-STAGE-2", stage2});
        rows.add(new Object[] {"filter DOCKER-USER", 1});
        rows.add(new Object[] {"nat PREROUTING", normal > 0 ? 1 : 0});
        rows.add(new Object[] {"nat OUTPUT", normal > 0 ? 1 : 0});
        rows.add(new Object[] {"nat POSTROUTING", postrouting + ports});
        rows.add(new Object[] {"nat DOCKER", natDocker + ports});
        rows.add(new Object[] {"mangle POSTROUTING", sctp});
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (Object[] r : rows) {
            m.put((String) r[0], (Integer) r[1]);
        }
        return m;
    }
}
