package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The README's test command on a machine with Java and Maven only: every test that needs the
 * kernel tools (root, ip, iptables, nft, ...) is skipped there, with one loud line, and none fails;
 * with {@code CI=true} the same tests fail instead, because CI must run them. The tests run
 * in this JVM with {@link Kernel#which} looking in an empty directory ({@code netpolc.test.path})
 * and {@code CI} overridden ({@code netpolc.test.ci}), so no tool is ever started.
 */
class FreshMachineTest {

    /** Every class or property that needs the kernel tools. */
    private static final List<Supplier<DiscoverySelector>> NEEDS_TOOLS = List.of(
            () -> selectClass(ApplyKernelTest.class), () -> selectClass(ApplyOwnershipKernelTest.class),
            () -> selectClass(ApplyLabTest.class), () -> selectClass(DriftTest.class),
            () -> selectClass(IplinkKernelTest.class), () -> selectClass(KernelRoundTripTest.class),
            () -> selectClass(LabTest.class), () -> selectClass(LabMutationTest.class),
            () -> selectClass(NftablesKernelTest.class), () -> selectClass(ShellcheckTest.class),
            () -> selectClass(ReadFailureTest.class),
            () -> selectMethod(PolicyPropertiesTest.class, "everyFirewallOutputPassesItsValidator",
                    PolicyPropertiesTest.class.getName() + "$Gen"));

    /** What happened to the tests: failures (with why) and how many were skipped or aborted. */
    private record Outcome(List<String> failures, int skipped, int succeeded) {}

    private static Outcome runWithoutTools(boolean ci) throws Exception {
        Path empty = Files.createTempDirectory("netpolc-no-tools");
        String oldPath = System.getProperty("netpolc.test.path");
        String oldCi = System.getProperty("netpolc.test.ci");
        List<String> failures = new ArrayList<>();
        int[] counts = new int[2];
        try {
            System.setProperty("netpolc.test.path", empty.toString());
            System.setProperty("netpolc.test.ci", String.valueOf(ci));
            Launcher launcher = LauncherFactory.create();
            var request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(NEEDS_TOOLS.stream().map(Supplier::get).toList()).build();
            launcher.execute(request, new TestExecutionListener() {
                @Override
                public void executionSkipped(TestIdentifier id, String reason) {
                    counts[0]++;
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    switch (result.getStatus()) {
                        case ABORTED:
                            counts[0]++;
                            break;
                        case FAILED:
                            failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Throwable::toString).orElse("?"));
                            break;
                        default:
                            if (id.isTest()) {
                                counts[1]++;
                            }
                    }
                }
            });
        } finally {
            restore("netpolc.test.path", oldPath);
            restore("netpolc.test.ci", oldCi);
            Files.deleteIfExists(empty);
        }
        return new Outcome(failures, counts[0], counts[1]);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void withoutTheToolsEveryKernelTestIsSkippedAndNoneFails() throws Exception {
        Outcome o = runWithoutTools(false);
        assertEquals(List.of(), o.failures(), "outside CI a missing tool skips a test, never fails it");
        assertTrue(o.skipped() >= NEEDS_TOOLS.size(), "skipped: " + o.skipped());
    }

    @Test
    void inCiAMissingToolFailsEveryKernelTest() throws Exception {
        Outcome o = runWithoutTools(true);
        assertTrue(o.failures().size() >= NEEDS_TOOLS.size(), "CI=true must fail, not skip: " + o);
        for (String f : o.failures()) {
            assertTrue(f.contains("CI=true"), "fails because of CI=true, not otherwise: " + f);
        }
    }
}
