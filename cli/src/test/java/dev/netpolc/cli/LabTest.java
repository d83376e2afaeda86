package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.cli.Lab.Flavour;
import dev.netpolc.cli.Lab.Observed;
import dev.netpolc.cli.LabModel.Cell;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The proof on a real kernel: every runnable policy is built in a lab (its ip link script, then
 * its firewall through iptables-nft, iptables-legacy or nftables) and real traffic checks the
 * reachability matrix that {@link LabModel} derives from the policy's meaning. Every cell is also
 * asked of {@code netpolc explain} (the flavour's target; the node whose rules the packet meets):
 * its verdict, and the source address it says the listener sees, must be what the kernel did.
 */
@Tag("kernel")
class LabTest {

    /** Policies that are examples of scale, not of behaviour; their behaviour is covered by smaller ones. */
    private static final Map<String, String> NOT_RUN = Map.of(
            "features/two-hundred-networks.net", "a scale example (200 namespaces, 1116 cells, about 9 minutes for its"
                    + " three flavours alone, past the lab's 10-minute budget); its behaviour is that of twenty-networks");

    static final String[] TOOLS = {"ip", "sh", "nsenter", "socat", "ping", "ss", "nft", "iptables-nft-restore",
        "ip6tables-nft-restore", "iptables-legacy-restore", "ip6tables-legacy-restore"};

    @TestFactory
    Stream<DynamicTest> everyRunnablePolicyPassesItsMatrixOnEveryFirewall() {
        Kernel.require(TOOLS);
        List<DynamicTest> tests = new ArrayList<>();
        String only = System.getProperty("lab.only", "");
        for (Path policy : Repo.validPolicies()) {
            if (!only.isEmpty() && !Repo.relative(policy).startsWith(only)) {
                continue;
            }
            String reason = NOT_RUN.get(Repo.relative(policy));
            if (reason != null) {
                System.out.println("lab: not run: " + Repo.relative(policy) + ": " + reason);
                continue;
            }
            for (Flavour flavour : Flavour.values()) {
                tests.add(DynamicTest.dynamicTest(Repo.relative(policy) + " on " + flavour.label, () -> {
                    Matrix m = run(policy, flavour, Map.of());
                    System.out.print(m.render());
                    assertTrue(m.failures().isEmpty(), () -> "cells that differ from the model:\n" + m.failures());
                    assertTrue(m.explainFailures().isEmpty(), () -> "cells where explain differs from the kernel:\n"
                            + String.join("\n", m.explainFailures()));
                }));
            }
        }
        return tests.stream();
    }

    /**
     * The expected and observed values of every cell of one lab, and explain's answer for each
     * ({@code explained} null when the lab loaded edited rules, which explain does not see).
     */
    record Matrix(String title, List<Cell> cells, List<Observed> observed, List<Observed> explained) {

        Matrix(String title, List<Cell> cells, List<Observed> observed) {
            this(title, cells, observed, null);
        }

        /** The cells where explain's verdict (or the source address it gives) differs from what the kernel did. */
        List<String> explainFailures() {
            List<String> f = new ArrayList<>();
            for (int i = 0; explained != null && i < cells.size(); i++) {
                if (!explainAgrees(i)) {
                    f.add(line(i));
                }
            }
            return f;
        }

        boolean explainAgrees(int i) {
            Observed o = observed.get(i);
            Observed e = explained.get(i);
            if (o.reached() != e.reached()) {
                return false;
            }
            // the address the listener saw, where the model names one (as the agreement test does)
            return !o.reached() || cells.get(i).expectedPeer() == null || o.peer() == null || sameAddress(o.peer(), e.peer());
        }

        List<String> failures() {
            List<String> f = new ArrayList<>();
            for (int i = 0; i < cells.size(); i++) {
                if (!passes(cells.get(i), observed.get(i))) {
                    f.add(line(i));
                }
            }
            return f;
        }

        static boolean passes(Cell c, Observed o) {
            if (c.expected() != o.reached()) {
                return false;
            }
            return !c.expected() || c.expectedPeer() == null || sameAddress(c.expectedPeer(), o.peer());
        }

        /** socat prints IPv6 peers uncompressed: compare addresses, not their text. */
        static boolean sameAddress(String a, String b) {
            try {
                return b != null && java.net.InetAddress.getByName(a).equals(java.net.InetAddress.getByName(b));
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }

        String line(int i) {
            Cell c = cells.get(i);
            Observed o = observed.get(i);
            String exp = c.expected() ? "reach" + (c.expectedPeer() == null ? "" : " as " + c.expectedPeer()) : "blocked";
            String got = o.reached() ? "reach" + (o.peer() == null ? "" : " as " + o.peer()) : "blocked";
            String ex = explained == null ? "-" : (explainAgrees(i) ? "ok" : "FAIL ")
                    + (explainAgrees(i) ? "" : explained.get(i).reached() ? "reach as " + explained.get(i).peer() : "blocked");
            return String.format("  %-4s %-32s %-32s %-24s %s", passes(c, o) ? "ok" : "FAIL", exp, got, ex, c.name());
        }

        String render() {
            StringBuilder b = new StringBuilder("lab matrix: " + title + " (" + cells.size() + " cells)\n");
            b.append(String.format("  %-4s %-32s %-32s %-24s %s%n", "", "expected", "observed", "explain", "cell"));
            for (int i = 0; i < cells.size(); i++) {
                b.append(line(i)).append('\n');
            }
            return b.toString();
        }
    }

    /**
     * Builds a lab for a policy and probes every cell. {@code replace} edits the firewall output
     * before it is loaded (line to replacement; an empty replacement deletes the line): the
     * mutation test uses it to prove the lab sees a wrong rule.
     */
    static Matrix run(Path policy, Flavour flavour, Map<String, String> replace) throws Exception {
        return run(policy, flavour, replace, null);
    }

    /**
     * As above; with {@code applyBackend} (iptables or nftables) the host is built by {@code netpolc
     * apply --backend BACKEND} instead of the scripts, and {@code flavour} only names the run.
     */
    static Matrix run(Path policy, Flavour flavour, Map<String, String> replace, String applyBackend) throws Exception {
        CompileResult compiled = PolicyCompiler.compileFile(policy, Repo.display(policy));
        Policy p = compiled.policy();
        assertNotNull(p, () -> compiled.diagnostics().toString());
        List<Lab.HostOutput> hosts = new ArrayList<>();
        for (String node : Targets.hosts(policy)) {
            hosts.add(new Lab.HostOutput(node, output("iplink", policy, node), mutate(output("iptables", policy, node), replace),
                    mutate(output("ip6tables", policy, node), replace), mutate(output("nftables", policy, node), replace)));
        }
        List<Cell> cells = LabRules.apply(p, LabModel.cells(p, 2));
        try (Lab lab = new Lab()) {
            if (applyBackend == null) {
                lab.setUp(p, hosts, flavour);
            } else {
                Path state = java.nio.file.Files.createTempDirectory("netpolc-lab-apply");
                try {
                    lab.setUpByApply(p, state, "--backend", applyBackend, Repo.display(policy));
                } finally {
                    try (var s = java.nio.file.Files.walk(state)) {
                        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            }
            int listeners = 0;
            java.util.Set<String> wanted = new java.util.LinkedHashSet<>(LabModel.listeners(p, cells));
            wanted.addAll(LabRules.listeners(p, cells));
            for (Family f : Family.values()) {
                wanted.add("@outside|tcp|" + f + "|" + LabModel.PROBE_PORT);
            }
            for (String l : wanted) {
                String[] parts = l.split("\\|");
                String ns = parts[0].equals("@outside") ? lab.outside
                        : parts[0].equals("@host") ? lab.hosts().get(0) : lab.prefix + parts[0];
                lab.listen(ns, parts[1], Family.valueOf(parts[2]), Integer.parseInt(parts[3]));
                listeners++;
            }
            List<String> namespaces = new ArrayList<>(lab.containerNamespaces(p));
            namespaces.add(lab.outside);
            // the bridges' gateway addresses live here: until their duplicate address detection ends,
            // a container's IPv6 traffic has no usable gateway
            namespaces.addAll(lab.hosts());
            lab.awaitReady(namespaces, listeners);
            String how = applyBackend == null ? flavour.label : "netpolc apply --backend " + applyBackend;
            List<Observed> observed = lab.probe(cells);
            // explain walks the rules compile prints: not edited rules, nor a host apply built
            return new Matrix(Repo.relative(policy) + " on " + how, cells, observed,
                    replace.isEmpty() && applyBackend == null ? explain(p, cells, flavour) : null);
        }
    }

    /**
     * explain's answer for every cell: iptables or ip6tables (by the cell's family) for the
     * iptables flavours, nftables for nftables; in a policy with nodes, the rules of the node the
     * packet meets, and across nodes on an overlay those of the receiving node too.
     */
    static List<Observed> explain(Policy p, List<Cell> cells, Flavour flavour) {
        boolean nft = flavour == Flavour.NFTABLES;
        dev.netpolc.cli.explain.Explainer explainer = new dev.netpolc.cli.explain.Explainer(p);
        List<Observed> out = new ArrayList<>();
        for (Cell c : cells) {
            var t = ExplainAgreesWithLabModelTest.explain(explainer, p, c, nft);
            boolean reached = ExplainAgreesWithLabModelTest.reached(p, c, t);
            Cell there = ExplainAgreesWithLabModelTest.receivingSide(p, c);
            if (reached && there != null) {
                reached = ExplainAgreesWithLabModelTest.reached(p, there, ExplainAgreesWithLabModelTest.explain(explainer, p, there, nft));
            }
            out.add(new Observed(reached, reached ? t.finalSource() : null));
        }
        return out;
    }

    private static String output(String target, Path policy, String node) {
        Run run = Run.netpolc(Targets.compile(policy, node, "-t", target));
        assertEquals(0, run.exitCode(), run.err());
        return run.out();
    }

    private static String mutate(String text, Map<String, String> replace) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String r = replace.getOrDefault(line, line);
            if (!r.isEmpty() || line.isEmpty()) {
                b.append(r).append('\n');
            }
        }
        return b.substring(0, b.length() - 1);
    }
}
