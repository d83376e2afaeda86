package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SARIF that 'netpolc lint --format sarif' writes for every policy is checked by a real
 * consumer: Microsoft's SARIF multitool (npm package @microsoft/sarif-multitool), which validates
 * against the SARIF 2.1.0 schema and its own rules. .ci/run installs it under .ci/tools.
 */
class SarifValidationTest {

    @TempDir
    Path dir;

    @Test
    void everyLintReportIsValidSarif() throws Exception {
        Path tool = multitool();
        List<Path> all = new ArrayList<>(Repo.validPolicies());
        all.addAll(Repo.invalidPolicies());
        for (Path policy : all) {
            Run run = Run.netpolc("lint", "--format", "sarif", Repo.display(policy));
            Files.writeString(dir.resolve(Repo.stem(policy).replace('/', '_') + ".sarif"), run.out());
        }
        // a file that cannot be read: a tool execution notification beside the other file's results
        Run unreadable = Run.netpolc("lint", "--format", "sarif", "policies/no-such-policy.net", "policies/lint/gateway-not-first.net");
        Files.writeString(dir.resolve("unreadable.sarif"), unreadable.out());
        // a file with a schema error, so the test proves it would see one
        Files.writeString(dir.resolve("zz-broken.sarif"), "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}}}]}");
        ProcessBuilder pb = new ProcessBuilder(tool.toString(), "validate", dir.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", "1");
        env.put("DOTNET_CLI_TELEMETRY_OPTOUT", "1");
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "multitool timed out");
        List<String> errors = output.lines().filter(l -> l.contains(": error ")).toList();
        assertTrue(output.contains((all.size() + 2) + " files scanned"), output);
        assertEquals(1, errors.size(), () -> "expected exactly the planted schema error; the multitool said:\n" + output);
        assertTrue(errors.get(0).contains("zz-broken.sarif") && errors.get(0).contains("'name' is missing"), errors.get(0));
    }

    private static Path multitool() throws IOException {
        String configured = System.getenv("NETPOLC_SARIF_MULTITOOL");
        Path p = configured != null ? Path.of(configured) : Repo.root().resolve(".ci/tools/node_modules/.bin/sarif-multitool");
        if (Files.isExecutable(p) || Files.isRegularFile(p)) {
            return p;
        }
        String message = "the SARIF multitool is not installed at " + p
                + " (npm install --prefix .ci/tools @microsoft/sarif-multitool@5.7.0)";
        if ("true".equals(System.getenv("CI"))) {
            fail(message + "; .ci/run installs it");
        }
        System.err.println("*** SKIPPED: " + message + " ***");
        org.junit.jupiter.api.Assumptions.abort(message);
        return null;
    }
}
