package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.cli.Lab.Flavour;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The lab can fail: one generated rule is removed or altered (isolation, icc, masquerade, DNAT),
 * and the matrix must report exactly the cells that rule decides, no more and no fewer.
 */
@Tag("kernel")
class LabMutationTest {

    private static final Path CONTAINERS = Repo.policies().resolve("docker/i-containers.net");
    private static final Path WEB_APP = Repo.policies().resolve("examples/web-app.net");
    private static final Path THREE_TIER = Repo.policies().resolve("examples/three-tier.net");
    private static final Path OVERLAY = Repo.policies().resolve("features/overlay-two-hosts.net");

    record Mutation(String name, Path policy, Map<String, String> edit, List<String> cellsThatMustChange) {}

    @TestFactory
    Stream<DynamicTest> aBrokenRuleShowsUpAsTheCellsItDecides() throws Exception {
        Kernel.require(LabTest.TOOLS);
        Policy c = PolicyCompiler.compileFile(CONTAINERS, Repo.display(CONTAINERS)).policy();
        Policy w = PolicyCompiler.compileFile(WEB_APP, Repo.display(WEB_APP)).policy();
        String myBridge = c.network("my-bridge-network").orElseThrow().bridgeName();
        String app = w.network("app").orElseThrow().bridgeName();
        Policy o = PolicyCompiler.compileFile(OVERLAY, Repo.display(OVERLAY)).policy();
        String mesh = o.network("mesh").orElseThrow().bridgeName();
        List<Mutation> mutations = List.of(
                // every probe from one network to another, except from or to the internal network (its
                // container has no route back), and only those
                new Mutation("isolation jump removed", CONTAINERS,
                        Map.of("-A FORWARD -j DOCKER-ISOLATION-STAGE-1", ""),
                        LabModel.cells(c, 2).stream().map(LabModel.Cell::name)
                                .filter(n -> n.contains("(other network)") && !n.contains("intern")).toList()),
                new Mutation("icc DROP turned into ACCEPT", WEB_APP,
                        Map.of("-A FORWARD -i " + app + " -o " + app + " -j DROP", "-A FORWARD -i " + app + " -o " + app + " -j ACCEPT"),
                        List.of("api -> worker@app tcp", "api -> worker@app icmp", "worker -> api@app tcp", "worker -> api@app icmp")),
                new Mutation("masquerade removed", CONTAINERS,
                        Map.of("-A POSTROUTING -s 192.168.100.0/24 ! -o " + myBridge + " -j MASQUERADE", ""),
                        List.of("web -> outside tcp")),
                new Mutation("DNAT removed", CONTAINERS,
                        Map.of("-A DOCKER ! -i " + myBridge + " -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.100.2:80", ""),
                        List.of("outside -> web 198.18.0.1:8080/tcp")),
                // policy rules: the allow that opens api -> db, the conntrack shortcut that lets the
                // replies of every allowed connection back through isolation, the deny that keeps db in
                new Mutation("policy allow removed", THREE_TIER,
                        Map.of("-A DOCKER-USER -s 10.20.2.2/32 -d 10.20.3.10/32 -p tcp -m tcp --dport 5432 -m comment --comment"
                                + " \"only the api reads and writes the database\" -j ACCEPT", ""),
                        List.of("rule 12: api -> db@data 5432/tcp")),
                new Mutation("policy conntrack shortcut removed", THREE_TIER,
                        Map.of("-A DOCKER-USER -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", ""),
                        List.of("rule 11: proxy -> api@app 8080/tcp", "rule 12: api -> db@data 5432/tcp")),
                new Mutation("policy deny removed", THREE_TIER,
                        Map.of("-A DOCKER-USER -s 10.20.3.0/24 -m comment --comment \"the database never talks to the internet\""
                                + " -j DOCKER-R3-D", ""),
                        List.of("db -> outside tcp", "rule 13: db -> outside 39999/tcp")),

                // on both nodes: every probe between two containers of the overlay, on one node or across
                new Mutation("overlay ACCEPT removed", OVERLAY,
                        Map.of("-A FORWARD -i " + mesh + " -o " + mesh + " -j ACCEPT", ""),
                        LabModel.cells(o, 2).stream().map(LabModel.Cell::name).filter(n -> n.contains("@mesh")
                                && !n.contains("(other network)")).toList()));
        assertTrue(mutations.get(0).cellsThatMustChange().size() >= 6, "the isolation mutation must have cells to decide");
        List<DynamicTest> tests = new ArrayList<>();
        for (Mutation m : mutations) {
            tests.add(DynamicTest.dynamicTest(m.name(), () -> {
                for (String line : m.edit().keySet()) {
                    for (String node : Targets.hosts(m.policy())) {
                        assertTrue(Run.netpolc(Targets.compile(m.policy(), node)).out().contains(line + "\n"),
                                "the rule to break is not in the output" + Targets.suffix(node) + ": " + line);
                    }
                }
                LabTest.Matrix broken = LabTest.run(m.policy(), Flavour.IPTABLES_NFT, m.edit());
                System.out.print(broken.render());
                TreeSet<String> failed = new TreeSet<>();
                for (int i = 0; i < broken.cells().size(); i++) {
                    if (!LabTest.Matrix.passes(broken.cells().get(i), broken.observed().get(i))) {
                        failed.add(broken.cells().get(i).name());
                    }
                }
                assertEquals(new TreeSet<>(m.cellsThatMustChange()), failed, "the cells the broken rule decides");
            }));
        }
        return tests.stream();
    }
}
