package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.cli.LabModel.Cell;
import dev.netpolc.cli.explain.Explainer;
import dev.netpolc.cli.explain.Trace;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Node;
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
                List<Cell> cells = LabRules.apply(p, LabModel.cells(p, 2));
                Explainer explainer = new Explainer(p);
                int receiving = 0;
                for (Cell c : cells) {
                    for (boolean nft : new boolean[] {false, true}) {
                        String d = disagreement(explainer, p, c, nft);
                        if (d != null) {
                            disagreements.add(d);
                        }
                        // across nodes, the packet meets the receiving node's rules too
                        Cell there = receivingSide(p, c);
                        if (there != null) {
                            receiving++;
                            d = disagreement(explainer, p, there, nft);
                            if (d != null) {
                                disagreements.add(d);
                            }
                        }
                    }
                }
                System.out.println("explain vs lab model: " + Repo.relative(policy) + ": " + cells.size() + " cells, "
                        + disagreements.size() + " disagreements"
                        + (receiving > 0 ? " (" + receiving / 2 + " cells across nodes also explained on the receiving node)" : ""));
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
        List<Cell> cells = LabRules.apply(p, LabModel.cells(p, 2));
        assertTrue(cells.stream().anyMatch(Cell::expected) && cells.stream().anyMatch(c -> !c.expected()));
        for (Cell c : cells) {
            Cell flipped = new Cell(c.name(), c.from(), c.source(), c.family(), c.protocol(), c.address(), c.port(), c.icmp(),
                    !c.expected(), null);
            assertNotNull(disagreement(new Explainer(p), p, flipped, false), () -> "explain agrees with the flipped cell " + c.name());
            assertNotNull(disagreement(new Explainer(p), p, flipped, true), () -> "nftables explain agrees with the flipped cell " + c.name());
        }
    }

    /** The lab's explain column can fail: a kernel that did the opposite of explain fails every cell. */
    @Test
    void theLabsExplainColumnFailsWhereTheKernelDisagrees() throws Exception {
        Path policy = Repo.policies().resolve("examples/three-tier.net");
        Policy p = PolicyCompiler.compileFile(policy, Repo.display(policy)).policy();
        List<Cell> cells = LabRules.apply(p, LabModel.cells(p, 2));
        for (Lab.Flavour flavour : Lab.Flavour.values()) {
            List<Lab.Observed> explained = LabTest.explain(p, cells, flavour);
            assertTrue(new LabTest.Matrix("same", cells, explained, explained).explainFailures().isEmpty());
            List<Lab.Observed> opposite = explained.stream().map(o -> new Lab.Observed(!o.reached(), o.peer())).toList();
            assertEquals(cells.size(), new LabTest.Matrix("opposite", cells, opposite, explained).explainFailures().size());
        }
    }

    /** Why explain disagrees with the cell, or null when it agrees. */
    static String disagreement(Explainer explainer, Policy p, Cell c, boolean nftables) {
        Trace t = explain(explainer, p, c, nftables);
        // the host counts as reached only where the cell aims at one of its bridge addresses (a rule's cell)
        boolean reached = reached(p, c, t);
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

    /**
     * Whether explain's answer means the cell's probe reaches: accepted, and delivered to a
     * container (the host counts only where the cell aims at one of its bridge addresses, where a
     * rule's cell has a listener).
     */
    static boolean reached(Policy p, Cell c, Trace t) {
        return t.verdict() == Trace.Verdict.ACCEPT && (!"host".equals(t.deliveredTo()) || gateway(p, c.address()));
    }

    private static boolean gateway(Policy p, String address) {
        return p.networks().stream().anyMatch(n -> n.isBridge() && (n.ipv4() != null && n.ipv4().gateway().text().equals(address)
                || n.ipv6() != null && n.ipv6().gateway().text().equals(address)));
    }

    /**
     * For a cell from a container to a container of an overlay on another node: the same packet as
     * the receiving node sees it, arriving on the overlay from the sender's address (the source of
     * the cell is then "@ADDRESS NODE"); null for any other cell.
     */
    static Cell receivingSide(Policy p, Cell c) {
        if (c.from() != LabModel.From.CONTAINER || p.nodes().isEmpty()) {
            return null;
        }
        Container s = p.containers().stream().filter(x -> x.netns().equals(c.source())).findFirst().orElseThrow();
        for (Container d : p.containers()) {
            for (var a : d.attachments()) {
                IpAddr addr = c.family() == Family.IPV4 ? a.ipv4() : a.ipv6();
                var n = p.network(a.network()).orElseThrow();
                if (addr == null || !addr.text().equals(c.address()) || n.driver() != Driver.OVERLAY
                        || java.util.Objects.equals(d.node(), s.node())) {
                    continue;
                }
                IpAddr own = s.attachments().stream().filter(x -> x.network().equals(n.name()))
                        .map(x -> c.family() == Family.IPV4 ? x.ipv4() : x.ipv6()).filter(java.util.Objects::nonNull)
                        .findFirst().orElse(null);
                if (own == null) {
                    return null;
                }
                return new Cell(c.name() + " (at " + d.node() + ")", c.from(), "@" + own.text() + " " + d.node(), c.family(),
                        c.protocol(), c.address(), c.port(), c.icmp(), c.expected(), c.expectedPeer());
            }
        }
        return null;
    }

    /** The node whose rules a cell meets: its container's, the host's, or the one the outside aims at. */
    static String node(Policy p, Cell c) {
        if (p.nodes().isEmpty()) {
            return null;
        }
        return switch (c.from()) {
            case CONTAINER -> c.source().startsWith("@") ? c.source().substring(c.source().indexOf(' ') + 1)
                    : p.containers().stream().filter(x -> x.netns().equals(c.source())).findFirst().orElseThrow().node();
            case HOST -> c.source();
            case OUTSIDE -> p.nodes().stream().map(Node::name)
                    .filter(n -> LabModel.uplink(p, n, c.family()).equals(c.address())).findFirst()
                    .orElseThrow(() -> new AssertionError(c.name() + ": no node has the address " + c.address()));
        };
    }

    static Trace explain(Explainer explainer, Policy p, Cell c, boolean nftables) {
        String node = node(p, c);
        String from = c.from() == LabModel.From.CONTAINER && c.source().startsWith("@")
                ? c.source().substring(1, c.source().indexOf(' ')) : switch (c.from()) {
            case CONTAINER -> "container:" + p.containers().stream().filter(x -> x.netns().equals(c.source())).map(Container::name)
                    .findFirst().orElseThrow();
            case OUTSIDE -> c.family() == Family.IPV4 ? LabModel.OUTSIDE4 : LabModel.OUTSIDE6;
            case HOST -> "host";
        };
        String target = nftables ? "nftables" : c.family() == Family.IPV4 ? "iptables" : "ip6tables";
        String host = node == null ? (c.family() == Family.IPV4 ? LabModel.UPLINK4 : LabModel.UPLINK6)
                : LabModel.uplink(p, node, c.family());
        return explainer.explain(new Explainer.Query(target, from, c.address(), c.icmp() ? "icmp" : c.protocol().keyword(),
                c.port(), host, node));
    }
}
