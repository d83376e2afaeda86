package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files of {@code netpolc explain}: golden-outputs/explain/CASE.explain.approved.txt holds
 * the command line and its output, for the paths a reader most often asks about.
 */
class ExplainGoldenTest {

    /** A case: its name and the arguments after {@code netpolc explain}. */
    record Case(String name, List<String> args) {}

    static final List<Case> CASES = List.of(
            new Case("same-network-icc-on", List.of("--from", "network:bridge", "--to", "172.17.0.3",
                    "policies/docker/a-default-bridge.net")),
            new Case("same-network-icc-off", List.of("--from", "network:no-icc-network", "--to", "192.168.200.3",
                    "policies/docker/c-no-icc.net")),
            new Case("across-networks", List.of("--from", "network:frontend", "--to", "db", "--port", "5432/tcp",
                    "policies/features/two-networks.net")),
            new Case("into-internal-network", List.of("--from", "network:bridge", "--to", "network:internal-network",
                    "--icmp", "policies/docker/e-internal.net")),
            new Case("out-of-internal-network", List.of("--from", "network:internal-network", "--to", "external",
                    "policies/docker/e-internal.net")),
            new Case("container-to-external", List.of("--from", "db", "--to", "external", "--port", "443/tcp",
                    "policies/features/two-networks.net")),
            new Case("published-port-through-host", List.of("--from", "external", "--to", "host", "--port", "443",
                    "--host-address", "198.51.100.7", "policies/features/two-networks.net")),
            new Case("published-port-not-published", List.of("--from", "external", "--to", "host", "--port", "444",
                    "--host-address", "198.51.100.7", "policies/features/two-networks.net")),
            new Case("hairpin-proxy-off", List.of("--from", "site", "--to", "host", "--port", "80",
                    "--host-address", "198.51.100.7", "policies/features/userland-proxy-off.net")),
            new Case("host-to-loopback-published", List.of("--from", "host", "--to", "127.0.0.1", "--port", "6379",
                    "policies/features/userland-proxy-off.net")),
            new Case("dual-stack-ipv6", List.of("--from", "pinned", "--to", "app", "--target", "ip6tables",
                    "policies/features/dual-stack.net")),
            new Case("dual-stack-ipv6-published", List.of("--from", "2001:db8:ffff::10", "--to", "2001:db8:1::1",
                    "--host-address", "2001:db8:1::1", "--port", "8080/tcp", "policies/features/dual-stack.net")),
            new Case("internal-ipv6-neighbour-discovery", List.of("--from", "a", "--to", "b", "--target", "ip6tables",
                    "--icmp", "policies/lint/internal-ipv6.net")),
            new Case("nftables-published-port-through-host", List.of("--from", "external", "--to", "host", "--port", "443",
                    "--host-address", "198.51.100.7", "--target", "nftables", "policies/features/two-networks.net")),
            new Case("nftables-same-network-icc-off", List.of("--from", "network:no-icc-network", "--to", "192.168.200.3",
                    "--target", "nftables", "policies/docker/c-no-icc.net")),
            new Case("nftables-internal-ipv6-neighbour-discovery", List.of("--from", "a", "--to", "fd00:213:2::3", "--target",
                    "nftables", "--icmp", "policies/lint/internal-ipv6.net")),
            new Case("nftables-container-to-external-snat", List.of("--from", "mailer", "--to", "external",
                    "--target", "nftables", "policies/features/snat-source.net")),
            new Case("across-networks-json", List.of("--from", "network:frontend", "--to", "db", "--port", "5432/tcp",
                    "--format", "json", "policies/features/two-networks.net")));

    /** The golden files the cases own, relative to golden-outputs/. */
    static List<String> goldenFiles() {
        return CASES.stream().map(c -> "explain/" + c.name() + ".explain" + GoldenFiles.APPROVED).toList();
    }

    @TestFactory
    Stream<DynamicTest> explainOutput() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : CASES) {
            tests.add(DynamicTest.dynamicTest(c.name(), () -> {
                List<String> args = new ArrayList<>(List.of("explain"));
                args.addAll(c.args());
                Run run = Run.netpolc(args.toArray(String[]::new));
                assertEquals(0, run.exitCode(), run.err());
                assertEquals("", run.err());
                GoldenFiles.verify("explain/" + c.name(), "explain", "$ netpolc " + String.join(" ", args) + "\n" + run.out());
            }));
        }
        return tests.stream();
    }
}
