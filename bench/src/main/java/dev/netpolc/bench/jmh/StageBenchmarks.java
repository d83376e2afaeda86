package dev.netpolc.bench.jmh;

import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.bench.GeneratePolicy;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.PolicyCompiler;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.ParsedFile;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.parse.PolicyParser;
import dev.netpolc.compiler.resolve.Resolver;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each stage of a compilation on its own, warmed up: parsing, resolving and checking (the IR),
 * each backend's rendering, and the whole compilation in one call. The policy is a generated one
 * ({@link GeneratePolicy}, seed 1) of {@code networks} networks with {@code containers}
 * containers and one published port each. Run by bench/run.sh; by hand:
 *
 * <pre>java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main StageBenchmarks</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class StageBenchmarks {

    @Param({"100", "1000"})
    public int networks;

    @Param({"10"})
    public int containers;

    private String text;
    private List<Block> blocks;
    private Policy policy;
    private Backend iptables;
    private Backend ip6tables;
    private Backend nftables;
    private Backend iplink;

    @Setup
    public void setUp() {
        text = GeneratePolicy.generate(new GeneratePolicy.Shape(networks, containers, 1, 1));
        blocks = blocks(parse());
        policy = resolve();
        if (policy == null) {
            throw new IllegalStateException("the generated policy has errors");
        }
        iptables = Backends.byName("iptables").orElseThrow();
        ip6tables = Backends.byName("ip6tables").orElseThrow();
        nftables = Backends.byName("nftables").orElseThrow();
        iplink = Backends.byName("iplink").orElseThrow();
    }

    @Benchmark
    public ParsedFile parse() {
        return PolicyParser.parse("bench.net", text, new Diagnostics());
    }

    @Benchmark
    public Policy resolve() {
        return new Resolver(new Diagnostics()).resolve(List.of("bench.net"), blocks);
    }

    @Benchmark
    public String renderIptables() {
        return iptables.render(policy);
    }

    @Benchmark
    public String renderIp6tables() {
        return ip6tables.render(policy);
    }

    @Benchmark
    public String renderNftables() {
        return nftables.render(policy);
    }

    @Benchmark
    public String renderIplink() {
        return iplink.render(policy);
    }

    /** Parse, resolve and render iptables: what {@code netpolc compile} does once the JVM runs. */
    @Benchmark
    public String compileIptables() {
        CompileResult r = PolicyCompiler.compileString("bench.net", text, Path.of("."));
        return iptables.render(r.policy());
    }

    private static List<Block> blocks(ParsedFile parsed) {
        List<Block> out = new ArrayList<>();
        for (Object item : parsed.items()) {
            out.add((Block) item);
        }
        return out;
    }
}
