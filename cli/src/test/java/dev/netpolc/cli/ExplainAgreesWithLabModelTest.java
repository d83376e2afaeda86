package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.cli.LabModel.Cell;
import dev.netpolc.cli.explain.Explainer;
import dev.netpolc.cli.explain.Trace;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * explain against the lab's independent model: for every policy and every cell of
 * {@link LabModel#cells}, explain's verdict on the compiled rules (iptables or ip6tables by the
 * cell's family, and nftables) equals the cell's expectation,
 * and where the cell names the source address the listener must see, explain's NAT gives that
 * address. LabTest proves the model equals the kernel, so explain then equals the kernel.
 *
 * <p>The lab's host runs no listener (and no userland proxy): a packet explain delivers to the
 * host itself counts as not reaching, as it does in the lab.
 */
class ExplainAgreesWithLabModelTest {

    @TestFactory
    Stream<DynamicTest> everyCellOfEveryPolicy() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path policy : Repo.validPolicies()) {
            tests.add(DynamicTest.dynamicTest(Repo.relative(policy), () -> {
                CompileResult r = PolicyCompiler.compileFile(policy, Repo.display(policy));
                Policy p = r.policy();
                assertNotNull(p, () -> r.diagnostics().toString());
                List<String> disagreements = new ArrayList<>();
                List<Cell> cells = LabModel.cells(p, 2);
                Explainer explainer = new Explainer(p);
                for (Cell c : cells) {
                    for (boolean nft : new boolean[] {false, true}) {
                        String d = disagreement(explainer, p, c, nft);
                        if (d != null) {
                            disagreements.add(d);
                        }
                    }
                }
                System.out.println("explain vs lab model: " + Repo.relative(policy) + ": " + cells.size() + " cells, "
                        + disagreements.size() + " disagreements");
                assertTrue(disagreements.isEmpty(), () -> "explain disagrees with the lab model on "
                        + disagreements.size() + " cells:\n" + String.join("\n", disagreements));
            }));
        }
        return tests.stream();
    }

    /** The test can fail: a cell whose expectation is flipped disagrees with explain. */
    @Test
    void aFlippedCellDisagrees() throws Exception {
        Path policy = Repo.policies().resolve("features/ipv6-mix.net");
        Policy p = PolicyCompiler.compileFile(policy, Repo.display(policy)).policy();
        List<Cell> cells = LabModel.cells(p, 2);
        assertTrue(cells.stream().anyMatch(Cell::expected) && cells.stream().anyMatch(c -> !c.expected()));
        for (Cell c : cells) {
            Cell flipped = new Cell(c.name(), c.from(), c.source(), c.family(), c.protocol(), c.address(), c.port(), c.icmp(),
                    !c.expected(), null);
            assertNotNull(disagreement(new Explainer(p), p, flipped, false), () -> "explain agrees with the flipped cell " + c.name());
            assertNotNull(disagreement(new Explainer(p), p, flipped, true), () -> "nftables explain agrees with the flipped cell " + c.name());
        }
    }

    /** Why explain disagrees with the cell, or null when it agrees. */
    static String disagreement(Explainer explainer, Policy p, Cell c, boolean nftables) {
        Trace t = explain(explainer, p, c, nftables);
        boolean reached = t.verdict() == Trace.Verdict.ACCEPT && !"host".equals(t.deliveredTo());
        if (reached != c.expected()) {
            return "  " + c.name() + " (" + t.target() + "): model " + (c.expected() ? "reach" : "blocked") + ", explain " + t.verdict()
                    + (t.verdict() == Trace.Verdict.ACCEPT ? " delivered to " + t.deliveredTo() : "")
                    + " decided by " + t.decidingRule() + " [" + t.decidingOrigin() + "]\n" + t.text().indent(6);
        }
        if (reached && c.expectedPeer() != null && !LabTest.Matrix.sameAddress(c.expectedPeer(), t.finalSource())) {
            return "  " + c.name() + " (" + t.target() + "): model: seen as " + c.expectedPeer() + ", explain: seen as " + t.finalSource() + "\n"
                    + t.text().indent(6);
        }
        return null;
    }

    static Trace explain(Explainer explainer, Policy p, Cell c, boolean nftables) {
        String from = switch (c.from()) {
            case CONTAINER -> "container:" + p.containers().stream().filter(x -> x.netns().equals(c.source())).map(Container::name)
                    .findFirst().orElseThrow();
            case OUTSIDE -> c.family() == Family.IPV4 ? LabModel.OUTSIDE4 : LabModel.OUTSIDE6;
            case HOST -> "host";
        };
        String target = nftables ? "nftables" : c.family() == Family.IPV4 ? "iptables" : "ip6tables";
        String host = c.family() == Family.IPV4 ? LabModel.UPLINK4 : LabModel.UPLINK6;
        return explainer.explain(new Explainer.Query(target, from, c.address(), c.icmp() ? "icmp" : c.protocol().keyword(),
                c.port(), host));
    }
}
