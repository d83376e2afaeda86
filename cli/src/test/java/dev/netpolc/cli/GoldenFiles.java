package dev.netpolc.cli;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.approvaltests.Approvals;
import org.approvaltests.core.ApprovalFailureReporter;
import org.approvaltests.core.Options;
import org.approvaltests.namer.ApprovalNamer;
import org.approvaltests.reporters.AutoApproveReporter;

/**
 * Golden files under golden-outputs/, verified with ApprovalTests. A file is named after its
 * policy and what it holds: {@code golden-outputs/docker/a-default-bridge.iptables.approved.txt}.
 * Run with {@code -Dgolden.approve=true} to write the received output as the new golden file;
 * review the change with git diff before committing it.
 */
final class GoldenFiles {

    static final String APPROVED = ".approved.txt";

    private GoldenFiles() {}

    static void verify(String stem, String kind, String text) {
        Approvals.verify(text, new Options()
                .withReporter(Boolean.getBoolean("golden.approve") ? new AutoApproveReporter() : new DiffReporter())
                .forFile().withNamer(new Namer(stem + "." + kind)));
    }

    /** Names a golden file by policy and kind, below golden-outputs/. */
    private static final class Namer implements ApprovalNamer {
        private final String name;

        Namer(String name) {
            this.name = name;
        }

        @Override
        public File getApprovedFile(String extensionWithDot) {
            return Repo.golden().resolve(name + ".approved" + extensionWithDot).toFile();
        }

        @Override
        public File getReceivedFile(String extensionWithDot) {
            return Repo.golden().resolve(name + ".received" + extensionWithDot).toFile();
        }

        @Override
        public ApprovalNamer addAdditionalInformation(String info) {
            return this;
        }

        @Override
        public String getAdditionalInformation() {
            return "";
        }

        @Override
        public String getApprovalName() {
            return name;
        }

        @Override
        public String getSourceFilePath() {
            return Repo.golden().toString() + File.separator;
        }
    }

    /** Prints the lines that differ, so a failure in a CI log says what changed. */
    private static final class DiffReporter implements ApprovalFailureReporter {
        @Override
        public boolean report(String received, String approved) {
            List<String> r = read(received);
            List<String> a = read(approved);
            StringBuilder b = new StringBuilder("golden mismatch: " + approved + "\n");
            int shown = 0;
            for (int i = 0; i < Math.max(r.size(), a.size()) && shown < 40; i++) {
                String ai = i < a.size() ? a.get(i) : null;
                String ri = i < r.size() ? r.get(i) : null;
                if (ai == null || !ai.equals(ri)) {
                    b.append(String.format("  line %d%n    - %s%n    + %s%n", i + 1, ai == null ? "(none)" : ai,
                            ri == null ? "(none)" : ri));
                    shown++;
                }
            }
            b.append("  (the new output is in ").append(received)
                    .append("; if it is right, re-approve with -Dgolden.approve=true)\n");
            System.err.print(b);
            return true;
        }

        private static List<String> read(String file) {
            try {
                return java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
            } catch (java.io.IOException e) {
                return new ArrayList<>();
            }
        }
    }
}
