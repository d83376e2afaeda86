package dev.netpolc.cli;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.ir.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs a valid policy has: one per target, except that a per-node target (every target
 * since firewall output became per node) of a policy with nodes has one output per node. Each is
 * named by its golden file's kind: {@code iptables}, {@code iplink}, or {@code iplink@node1} for
 * node node1.
 */
final class Targets {

    private Targets() {}

    /** One output: its golden kind, its target, and the node (null when none) it is for. */
    record Output(String kind, Backend backend, String node) {

        /** The netpolc arguments that print it. */
        String[] args(Path policy) {
            List<String> args = new ArrayList<>(List.of("compile", "-t", backend.name()));
            if (node != null) {
                args.addAll(List.of("--node", node));
            }
            args.add(Repo.display(policy));
            return args.toArray(String[]::new);
        }
    }

    static List<Output> of(Path policy) {
        List<Node> nodes = nodes(policy);
        List<Output> out = new ArrayList<>();
        for (Backend b : Backends.all()) {
            if (b.perNode() && !nodes.isEmpty()) {
                nodes.forEach(n -> out.add(new Output(b.name() + "@" + n.name(), b, n.name())));
            } else {
                out.add(new Output(b.name(), b, null));
            }
        }
        return out;
    }

    /** The hosts a policy's outputs are for: its nodes' names, or one null for a policy without nodes. */
    static List<String> hosts(Path policy) {
        List<Node> nodes = nodes(policy);
        return nodes.isEmpty() ? java.util.Collections.singletonList(null) : nodes.stream().map(Node::name).toList();
    }

    /** The arguments of 'netpolc compile ARGS [--node NODE] POLICY'. */
    static String[] compile(Path policy, String node, String... args) {
        List<String> out = new ArrayList<>(List.of("compile"));
        out.addAll(List.of(args));
        if (node != null) {
            out.addAll(List.of("--node", node));
        }
        out.add(Repo.display(policy));
        return out.toArray(String[]::new);
    }

    /** A test name's suffix for a node ("" for none). */
    static String suffix(String node) {
        return node == null ? "" : " --node " + node;
    }

    /** The nodes a valid policy declares. */
    static List<Node> nodes(Path policy) {
        try {
            CompileResult r = PolicyCompiler.compileFile(policy, Repo.display(policy));
            if (r.hasErrors()) {
                throw new IllegalStateException(policy + " does not compile");
            }
            return r.policy().nodes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
