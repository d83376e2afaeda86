package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that cannot be read or written end with exit code 3 and one line, never a stack trace. */
class ReadFailureTest {

    @TempDir
    Path dir;

    private Run compile(String... args) {
        return Run.netpolcIn(dir, new byte[0], args);
    }

    private static void oneLine(Run r, String start) {
        assertEquals(3, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith(start), r.err());
        assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
    }

    @Test
    void invalidUtf8InTheMainFileOrOnStandardInput() throws IOException {
        Files.write(dir.resolve("latin1.net"), new byte[] {'n', 'e', 't', 'w', 'o', 'r', 'k', ' ', (byte) 0xe9, ' ', '{', '}', '\n'});
        oneLine(compile("compile", "latin1.net"),
                "netpolc: cannot read 'latin1.net': byte 0xe9 at line 1, column 9 is not valid UTF-8");
        Run stdin = Run.netpolcIn(dir, Files.readAllBytes(dir.resolve("latin1.net")), "compile", "-");
        oneLine(stdin, "netpolc: cannot read '<stdin>': byte 0xe9 at line 1, column 9 is not valid UTF-8");
    }

    @Test
    void aPolicyOverTheSizeLimitIsNotRead() throws IOException {
        byte[] big = new byte[17 << 20];
        java.util.Arrays.fill(big, (byte) '#');
        Files.write(dir.resolve("big.net"), big);
        oneLine(compile("compile", "big.net"), "netpolc: cannot read 'big.net': it is 17825792 bytes; policy files are limited to 16777216");
        // lint reports an unreadable input as a finding among the others, and exits 3 at the end
        Run lint = Run.netpolcIn(dir, big, "lint", "-");
        assertEquals(3, lint.exitCode(), lint.err());
        assertEquals(List.of("<stdin>: error: cannot read '<stdin>': it is larger than 16777216 bytes, the limit for a policy"
                + " file (split it with include)", "netpolc: no problems found in 0 policies; 1 file could not be read"),
                lint.err().lines().toList());
    }

    @Test
    void aFileThatFailsToReadIsOneLine() {
        // /proc/self/mem exists but reading it from the start fails, as an unreadable file would
        oneLine(Run.netpolcIn(dir, new byte[0], "compile", "/proc/self/mem"), "netpolc: cannot read '/proc/self/mem': ");
        oneLine(compile("inspect", "missing.net"), "netpolc: cannot read 'missing.net': no such file or directory");
    }

    /** A full disk while writing -o: the old file stays as it was, and no temporary file is left. */
    @Test
    void aFullDiskLeavesTheOutputFileAsItWas() throws Exception {
        Kernel.require("unshare", "mount");
        StringBuilder policy = new StringBuilder("network bridge {}\n");
        for (int i = 0; i < 400; i++) {
            policy.append("network n").append(i).append(" { subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24 }\ncontainer c").append(i).append(" { attach n").append(i).append("; publish ")
                    .append(10000 + i).append(" -> 80 }\n");
        }
        Files.writeString(dir.resolve("large.net"), policy.toString());
        Path mnt = Files.createDirectory(dir.resolve("small"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String script = "mount -t tmpfs -o size=64k tmpfs " + mnt + " && printf 'old\\n' > " + mnt + "/rules.txt && "
                + "{ " + java + " -cp '" + System.getProperty("java.class.path") + "' dev.netpolc.cli.Main compile -o "
                + mnt + "/rules.txt " + dir.resolve("large.net") + "; echo \"exit=$?\"; } 2>&1; cat " + mnt + "/rules.txt; ls -a " + mnt;
        Kernel.Result r = Kernel.run(null, List.of("unshare", "-m", "--propagation", "private", "sh", "-c", script));
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith("netpolc: cannot write '" + mnt + "/rules.txt': "), r.out() + r.err());
        assertTrue(lines.get(0).contains("space"), "the reason names the full disk: " + lines.get(0));
        assertEquals("exit=3", lines.get(1), r.out());
        assertEquals("old", lines.get(2), "the file must be left as it was");
        assertEquals(List.of(".", "..", "rules.txt"), lines.subList(3, lines.size()), "no temporary file may remain");
    }

}
