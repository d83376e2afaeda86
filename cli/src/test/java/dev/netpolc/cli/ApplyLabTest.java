package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The lab's reachability matrix with the host built by {@code netpolc apply} (links, sysctls and
 * firewall in one command) instead of the scripts and restore tools, for both backends and both
 * iptables layouts: who can reach whom must be exactly what the model says.
 */
@Tag("kernel")
class ApplyLabTest {

    private static final List<String> POLICIES = List.of("policies/docker/i-containers.net",
            "policies/features/owned-layout.net", "policies/features/dual-stack.net",
            "policies/features/userland-proxy-off.net");

    @TestFactory
    Stream<DynamicTest> theMatrixPassesAfterApply() {
        Kernel.require(LabTest.TOOLS);
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : POLICIES) {
            Path policy = Repo.root().resolve(name);
            for (String backend : List.of("iptables", "nftables")) {
                tests.add(DynamicTest.dynamicTest(name + " apply --backend " + backend, () -> {
                    LabTest.Matrix m = LabTest.run(policy, Lab.Flavour.IPTABLES_NFT, Map.of(), backend);
                    System.out.print(m.render());
                    assertTrue(m.failures().isEmpty(), () -> "cells that differ from the model:\n" + m.failures());
                }));
            }
        }
        return tests.stream();
    }
}
