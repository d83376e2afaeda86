package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files and pipes at both ends of netpolc: -o onto devices, FIFOs, directories, links and the
 * policy's own files; policies read from FIFOs, bash's process substitution and endless
 * devices; a reader that closes the pipe early; and a policy that declares nothing.
 */
class FilesAndPipesTest {

    private static final String GOOD = "network bridge {}\ncontainer web { publish 8080 -> 80 }\n";
    private static final int LIMIT = 16 << 20;

    @TempDir
    Path dir;

    private Run netpolc(String... args) {
        return Run.netpolcIn(dir, new byte[0], args);
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    private static Path mkfifo(Path p) throws IOException, InterruptedException {
        Files.createDirectories(p.getParent());
        run("mkfifo", p.toString());
        return p;
    }

    /** The file type bits of a file's mode (not following a final link), e.g. 0010000 for a FIFO. */
    private static int type(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    private static final int FIFO = 0010000;
    private static final int CHAR_DEVICE = 0020000;
    private static final int SOCKET = 0140000;

    /** Reads everything a FIFO receives, in a thread of its own (opening a FIFO waits for the other end). */
    private static CompletableFuture<byte[]> drain(Path fifo) {
        CompletableFuture<byte[]> got = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                got.complete(in.readAllBytes());
            } catch (IOException e) {
                got.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return got;
    }

    /** Writes {@code count} bytes of {@code bytes} repeated into a FIFO, in a thread; a reader that leaves early ends it. */
    private static void feed(Path fifo, byte[] bytes, long count) {
        Thread t = new Thread(() -> {
            try (OutputStream out = new FileOutputStream(fifo.toFile())) {
                for (long left = count; left > 0; left -= bytes.length) {
                    out.write(bytes, 0, (int) Math.min(bytes.length, left));
                }
            } catch (IOException e) {
                // the reader closed its end (after the limit): what the test wants
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    // ---- -o onto what is not a regular file

    @Test
    void outputToADeviceIsWrittenInPlace() throws Exception {
        write("p.net", GOOD);
        Path dev = dir.resolve("null");
        Process mknod = new ProcessBuilder("mknod", dev.toString(), "c", "1", "3").redirectErrorStream(true).start();
        mknod.getInputStream().readAllBytes();
        assumeTrue(mknod.waitFor() == 0, "mknod needs root (CAP_MKNOD)");
        Object inode = Files.getAttribute(dev, "unix:ino");
        Run r = netpolc("compile", "-o", "null", "p.net");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(CHAR_DEVICE, type(dev), "the device must stay a device, not become a regular file");
        assertEquals(inode, Files.getAttribute(dev, "unix:ino"), "the device must not be replaced");
        assertEquals(List.of("", "null", "p.net"), files(), "no temporary file");
    }

    /** The real /dev/null: only ever opened for writing here, and checked afterwards. */
    @Test
    void outputToDevNullLeavesItACharacterDevice() throws Exception {
        write("p.net", GOOD);
        Path devNull = Path.of("/dev/null");
        assumeTrue(type(devNull) == CHAR_DEVICE, "/dev/null is not a character device here");
        Object inode = Files.getAttribute(devNull, "unix:ino");
        Run r = netpolc("compile", "-o", "/dev/null", "p.net");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.out() + r.err());
        assertEquals(CHAR_DEVICE, type(devNull));
        assertEquals(inode, Files.getAttribute(devNull, "unix:ino"));
    }

    @Test
    void outputToAFifoIsWrittenIntoIt() throws Exception {
        write("p.net", GOOD);
        Path fifo = mkfifo(dir.resolve("out.fifo"));
        CompletableFuture<byte[]> got = drain(fifo);
        Run r = netpolc("compile", "-o", "out.fifo", "p.net");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(FIFO, type(fifo), "the FIFO must stay a FIFO");
        assertEquals(netpolc("compile", "p.net").out(), new String(got.get(), StandardCharsets.UTF_8),
                "the reader of the FIFO gets the rules");
        assertEquals(List.of("", "out.fifo", "p.net"), files(), "no temporary file");
    }

    /** A socket file is not replaced either: it cannot be opened, which is exit code 3 and one line. */
    @Test
    void outputToASocketLeavesItASocket() throws IOException {
        write("p.net", GOOD);
        Path sock = dir.resolve("sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
            Run r = netpolc("compile", "-o", "sock", "p.net");
            assertEquals(3, r.exitCode(), r.err());
            assertEquals("netpolc: cannot write 'sock': No such device or address\n", r.err());
            assertEquals(SOCKET, type(sock), "the socket must stay a socket");
        }
    }

    @Test
    void outputToADirectoryIsRefusedWithExitThree() throws IOException {
        write("p.net", GOOD);
        Files.createDirectory(dir.resolve("out"));
        Run r = netpolc("compile", "-o", "out", "p.net");
        assertEquals(3, r.exitCode());
        assertEquals("", r.out());
        assertEquals("netpolc: cannot write 'out': it is a directory; nothing was written\n", r.err());
        assertEquals(List.of("", "out", "p.net"), files());
    }

    /** A link to a file that does not exist yet, in another directory: that file is created there, the link stays. */
    @Test
    void aDanglingLinkGetsItsTargetCreatedBesideIt() throws IOException {
        write("p.net", GOOD);
        Files.createDirectories(dir.resolve("etc/rules"));
        Files.createDirectories(dir.resolve("links"));
        Files.createSymbolicLink(dir.resolve("links/current"), Path.of("../etc/rules/v4"));
        Run r = netpolc("compile", "-o", "links/current", "p.net");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isSymbolicLink(dir.resolve("links/current")), "the link must stay a link");
        assertEquals(netpolc("compile", "p.net").out(), Files.readString(dir.resolve("etc/rules/v4")));
        assertEquals(List.of("", "etc", "etc/rules", "etc/rules/v4", "links", "links/current", "p.net"), files(),
                "no temporary file");
    }

    // ---- -o onto the policy's own files

    @Test
    void theOutputCannotBeThePolicyWhateverItsSpelling() throws IOException {
        Path p = write("p.net", GOOD);
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link.net"), Path.of("p.net"));
        Files.createLink(dir.resolve("hard.net"), p);
        for (String out : new String[] {"p.net", "./sub/../p.net", dir.resolve("p.net").toString(), "link.net", "hard.net"}) {
            Run r = netpolc("compile", "-o", out, "p.net");
            assertEquals(2, r.exitCode(), out + ": " + r.err());
            assertTrue(r.err().startsWith("netpolc: compile: the output file '" + out + "' is the policy 'p.net' itself;"),
                    r.err());
            assertEquals(GOOD, Files.readString(p), "-o " + out + " must not overwrite the policy");
        }
        assertTrue(Files.isSymbolicLink(dir.resolve("link.net")));
    }

    @Test
    void theOutputCannotBeAFileThePolicyIncludes() throws IOException {
        Path lib = write("lib/nets.net", "network bridge {}\n");
        write("main.net", "include \"lib/nets.net\"\ncontainer web { publish 8080 -> 80 }\n");
        Run r = netpolc("compile", "-o", "lib/../lib/nets.net", "main.net");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("netpolc: compile: the output file 'lib/../lib/nets.net' is 'lib/nets.net',"
                + " which the policy 'main.net' includes;"), r.err());
        assertEquals("network bridge {}\n", Files.readString(lib));
        assertEquals(List.of("", "lib", "lib/nets.net", "main.net"), files(), "no temporary file");
    }

    // ---- reading: bounds, FIFOs, process substitution

    @Test
    void anEndlessDeviceIsReadOnlyUpToTheLimit() {
        Run r = netpolc("compile", "/dev/zero");
        assertEquals(3, r.exitCode(), r.err());
        assertEquals("netpolc: cannot read '/dev/zero': it is more than 16777216 bytes; policy files are limited to"
                + " 16777216 bytes (split it with include)\n", r.err());
    }

    @Test
    void anIncludedFifoIsReadOnlyUpToTheLimit() throws Exception {
        write("main.net", GOOD + "include \"big.fifo\"\n");
        Path fifo = mkfifo(dir.resolve("big.fifo"));
        byte[] comments = "# a comment\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        feed(fifo, comments, LIMIT + (1 << 20));
        Run r = netpolc("compile", "main.net");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("main.net:3:9: error[NP1010]: 'big.fifo' is more than 16777216 bytes;"
                + " policy files are limited to 16777216 bytes\n"), r.err());
    }

    @Test
    void aFifoOverTheLimitAsThePolicyIsOneLine() throws Exception {
        Path fifo = mkfifo(dir.resolve("big.fifo"));
        feed(fifo, "#".repeat(8192).getBytes(StandardCharsets.UTF_8), LIMIT + 1);
        Run r = netpolc("compile", "big.fifo");
        assertEquals(3, r.exitCode(), r.err());
        assertEquals("netpolc: cannot read 'big.fifo': it is more than 16777216 bytes; policy files are limited to"
                + " 16777216 bytes (split it with include)\n", r.err());
    }

    /** A FIFO is read as a stream, like standard input: its includes are relative to the working directory. */
    @Test
    void aFifoIsReadLikeStandardInput() throws Exception {
        write("common.net", "network bridge {}\n");
        String main = "include \"common.net\"\ncontainer web { publish 8080 -> 80 }\n";
        Path fifo = mkfifo(dir.resolve("pipes/p.fifo"));
        feed(fifo, main.getBytes(StandardCharsets.UTF_8), main.length());
        Run r = netpolc("compile", "pipes/p.fifo");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Run.netpolcIn(dir, main.getBytes(StandardCharsets.UTF_8), "compile", "-").out(), r.out());
        assertTrue(r.out().contains("--dport 8080 -j DNAT"), r.out());
    }

    /** The netpolc class path, to run netpolc in a process of its own. */
    private static ProcessBuilder shell(Path cwd, String script) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(cwd.toFile());
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().put("CP", System.getProperty("java.class.path"));
        return pb;
    }

    /** bash's process substitution hands netpolc /dev/fd/63, a pipe with no file behind it. */
    @Test
    void processSubstitutionIsRead() throws Exception {
        write("lib/common.net", "network bridge {}\n");
        write("elsewhere/p.net", "include \"lib/common.net\"\ncontainer web { publish 8080 -> 80 }\n");
        Process p = shell(dir, "exec \"$JAVA\" -cp \"$CP\" dev.netpolc.cli.Main compile <(cat elsewhere/p.net)")
                .redirectError(dir.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), Files.readString(dir.resolve("err.txt")));
        assertEquals("", Files.readString(dir.resolve("err.txt")));
        byte[] main = Files.readAllBytes(dir.resolve("elsewhere/p.net"));
        assertEquals(Run.netpolcIn(dir, main, "compile", "-").out(), out, "the same as the policy on standard input");
    }

    // ---- a reader that closes the pipe early

    /** netpolc | head -c1: the rest of the output has nowhere to go; netpolc ends quietly with 128 + SIGPIPE. */
    @Test
    void aBrokenPipeEndsQuietlyWith141() throws Exception {
        StringBuilder policy = new StringBuilder("network bridge {}\n");
        for (int i = 0; i < 1000; i++) {
            policy.append("network n").append(i).append(" { subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0/24 }\ncontainer c").append(i).append(" { attach n").append(i).append("; publish ")
                    .append(10000 + i).append(" -> 80 }\n");
        }
        write("big.net", policy.toString());
        // the output (about 750 kB) is far more than a pipe holds and head reads
        assertTrue(netpolc("compile", "big.net").out().length() > 512 << 10);
        Process p = shell(dir, "{ \"$JAVA\" -cp \"$CP\" dev.netpolc.cli.Main compile big.net 2>err.txt; echo $? >code.txt; }"
                + " | head -c1 >/dev/null").redirectErrorStream(true).start();
        String shellOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), shellOut);
        assertEquals("", Files.readString(dir.resolve("err.txt")), "no message");
        assertEquals("141\n", Files.readString(dir.resolve("code.txt")));
    }

    private static OutputStream failing(String why) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException(why);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException(why);
            }
        };
    }

    private int runWithStdout(OutputStream stdout, ByteArrayOutputStream err, String... args) throws IOException {
        write("p.net", GOOD);
        try (PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            return Main.run(args, new ByteArrayInputStream(new byte[0]), Stdout.over(stdout), e, dir);
        }
    }

    @Test
    void theWriterTellsABrokenPipeFromAFullDisk() throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(141, runWithStdout(failing("Broken pipe"), err, "compile", "p.net"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(141, runWithStdout(failing("Broken pipe"), err, "inspect", "p.net"), "any command");
        assertEquals("", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(3, runWithStdout(failing("No space left on device"), err, "compile", "p.net"));
        assertEquals("netpolc: cannot write to standard output\n", err.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream fine = new ByteArrayOutputStream();
        assertEquals(0, runWithStdout(fine, err, "compile", "p.net"));
        assertArrayEquals(netpolc("compile", "p.net").out().getBytes(StandardCharsets.UTF_8), fine.toByteArray());
    }

    // ---- a policy that declares nothing

    @Test
    void aPolicyThatDeclaresNothingIsRefused() throws IOException {
        String refusal = " declares nothing; refusing to print a ruleset that would flush the tables"
                + " (--allow-empty compiles it anyway)\n";
        Run empty = Run.netpolcIn(dir, new byte[0], "compile", "-");
        assertEquals(1, empty.exitCode());
        assertEquals("", empty.out());
        assertEquals("netpolc: <stdin>" + refusal, empty.err());
        write("s.net", "# only settings\nsettings { userland-proxy off }\ndefine office = { 192.0.2.0/24 }\n");
        for (String target : new String[] {"iptables", "nftables", "iplink"}) {
            Run settings = netpolc("compile", "-t", target, "-o", "out.txt", "s.net");
            assertEquals(1, settings.exitCode(), settings.err());
            assertEquals("netpolc: s.net" + refusal, settings.err());
            assertFalse(Files.exists(dir.resolve("out.txt")), "nothing is written");
        }
        Run allowed = netpolc("compile", "--allow-empty", "s.net");
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertTrue(allowed.out().startsWith("*filter\n"), allowed.out());
        write("one.net", "network bridge {}\n");
        assertEquals(0, netpolc("compile", "one.net").exitCode());
        write("inc.net", "include \"one.net\"\n");
        assertEquals(0, netpolc("compile", "inc.net").exitCode(), "what an include declares counts");
        write("rule.net", "deny any -> host port 22/tcp\n");
        assertEquals(0, netpolc("compile", "rule.net").exitCode());
    }

    @Test
    void applyRefusesAPolicyThatDeclaresNothing() throws IOException {
        write("s.net", "settings { userland-proxy off }\n");
        Run r = netpolc("apply", "--dry-run", "--state-dir", dir.resolve("state").toString(), "s.net");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals("", r.out());
        assertEquals("netpolc: s.net declares nothing; refusing to apply a ruleset that would flush netpolc's tables"
                + " (--allow-empty applies it anyway)\n", r.err());
        assertFalse(Files.exists(dir.resolve("state")));
    }

    @Test
    void helpNamesAllowEmpty() {
        assertTrue(Run.netpolc("compile", "--help").out().contains("--allow-empty"));
        assertTrue(Run.netpolc("apply", "--help").out().contains("--allow-empty"));
        assertFalse(Run.netpolc("status", "--help").out().contains("--allow-empty"));
    }

    @Test
    void noPolicyOfTheRepositoryDeclaresNothing() {
        for (Path p : Repo.validPolicies()) {
            Run r = Run.netpolc("compile", Repo.display(p));
            assertFalse(r.err().contains("declares nothing"), Repo.display(p) + ": " + r.err());
        }
    }
}
