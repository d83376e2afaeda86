package dev.netpolc.bench;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.ParsedFile;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.lint.LintCheck;
import dev.netpolc.compiler.lint.Linter;
import dev.netpolc.compiler.parse.PolicyParser;
import dev.netpolc.compiler.resolve.Resolver;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stages of one compilation, run one after the other in one JVM, each timed once: what a
 * single {@code netpolc compile} spends where, cold (class loading and JIT warm-up included, as
 * in a real run). For profiling; the steady-state figures come from the JMH benchmarks.
 *
 * <pre>java -cp CLASSPATH dev.netpolc.bench.Stages POLICY [TARGET...]</pre>
 *
 * A target may be {@code lint}: every lint check of the resolved policy.
 *
 * With {@code -Dstages.repeat=K} the resolution runs K more times afterwards, for a profiler.
 */
public final class Stages {

    private Stages() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Stages POLICY [TARGET...]");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        String text = Files.readString(Path.of(args[0]));
        long t1 = System.nanoTime();
        ParsedFile parsed = parse(args[0], text);
        long t2 = System.nanoTime();
        Policy policy = resolve(args[0], parsed);
        long t3 = System.nanoTime();
        System.out.printf("read     %8.1f ms%n", (t1 - t0) / 1e6);
        System.out.printf("parse    %8.1f ms%n", (t2 - t1) / 1e6);
        System.out.printf("resolve  %8.1f ms  (%d networks, %d containers)%n", (t3 - t2) / 1e6,
                policy.networks().size(), policy.containers().size());
        for (int i = Integer.getInteger("stages.repeat", 0); i > 0; i--) {
            long s = System.nanoTime();
            resolve(args[0], parsed);
            System.out.printf("resolve  %8.1f ms%n", (System.nanoTime() - s) / 1e6);
        }
        List<String> targets = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("iptables");
        for (String target : targets) {
            if (target.equals("lint")) {
                Set<String> all = new TreeSet<>();
                for (LintCheck c : dev.netpolc.compiler.lint.Checks.ALL) {
                    all.add(c.code().id());
                }
                long s = System.nanoTime();
                int found = Linter.lint(new CompileResult(policy, List.of(), Map.of(), List.of()), all).size();
                System.out.printf("%-9s%8.1f ms  (%d diagnostics)%n", target, (System.nanoTime() - s) / 1e6, found);
                continue;
            }
            Backend b = Backends.byName(target).orElseThrow(() -> new IllegalArgumentException("no target " + target));
            long s = System.nanoTime();
            String out = b.render(policy);
            long e = System.nanoTime();
            System.out.printf("%-9s%8.1f ms  (%d lines)%n", target, (e - s) / 1e6, out.lines().count());
        }
    }

    /** Parses one file (includes are not followed); fails on a syntax error. */
    static ParsedFile parse(String name, String text) {
        Diagnostics diags = new Diagnostics();
        ParsedFile parsed = PolicyParser.parse(name, text, diags);
        if (diags.hasErrors()) {
            throw new IllegalStateException(name + " has syntax errors: " + diags.sorted());
        }
        return parsed;
    }

    /** Resolves and checks one parsed file (without includes); fails when the policy has errors. */
    static Policy resolve(String name, ParsedFile parsed) {
        Diagnostics diags = new Diagnostics();
        List<Block> blocks = new ArrayList<>();
        List<Define> defines = new ArrayList<>();
        List<RuleDecl> rules = new ArrayList<>();
        for (Object item : parsed.items()) {
            if (item instanceof Block b) {
                blocks.add(b);
            } else if (item instanceof Define d) {
                defines.add(d);
            } else if (item instanceof RuleDecl r) {
                rules.add(r);
            } else {
                throw new IllegalArgumentException(name + ": benchmarks take policies without include");
            }
        }
        Policy policy = new Resolver(diags).resolve(List.of(name), blocks, defines, rules);
        if (policy == null) {
            throw new IllegalStateException(name + " has errors: " + diags.sorted());
        }
        return policy;
    }
}
