package dev.netpolc.cli.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory: the record reads back as written, and nothing another user could have
 * written or redirected is ever used (a rollback runs {@code applied.iplink} as root).
 */
class StateStoreTest {

    private static final String DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path tmp;
    private Path base;

    @BeforeEach
    void setUp() {
        base = tmp.resolve("state");
    }

    private static Properties record() {
        Properties p = new Properties();
        p.setProperty("digest", DIGEST);
        p.setProperty("backend", "iptables");
        p.setProperty("layout", "docker");
        p.setProperty("prefix", "DOCKER");
        p.setProperty("nft-table", "netpolc");
        p.setProperty("firewall-only", "false");
        p.setProperty("forward-before.iptables", "ACCEPT");
        p.setProperty("tables-before.iptables", "filter,nat");
        return p;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theRecordReadsBackAsItWasWritten() throws IOException {
        Properties p = new Properties();
        p.setProperty("policy", " /tmp/a b=c:d#e!f\\g\tü\n");
        p.setProperty("key with=odd:chars", "#!leading");
        p.setProperty("tables-before.iptables", "");
        p.setProperty("digest", "0123abcd");
        Properties back = new Properties();
        back.load(new StringReader(StateStore.text(p)));
        assertEquals(p, back);
    }

    @Test
    void directoriesAre0700AndFiles0600WhateverWasThereBefore() throws Exception {
        Files.createDirectories(base);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (StateStore s = new StateStore(base, "ns1")) {
            s.write(record(), Map.of("applied.iplink", "echo hi\n"));
            assertEquals(record(), s.record());
            String owner = s.owner(false);
            assertEquals("", owner, "a record without an owner file is one from before owners");
        }
        assertEquals("rwx------", mode(base));
        assertEquals("rwx------", mode(base.resolve("netns")));
        Path dir = base.resolve("netns").resolve("ns1");
        assertEquals("rwx------", mode(dir));
        for (String f : new String[] {"record.properties", "applied.iplink"}) {
            assertEquals("rw-------", mode(dir.resolve(f)), f);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file is left");
        }
    }

    @Test
    void theOwnerIsMadeOnceAndKept() throws Exception {
        try (StateStore s = new StateStore(base, null)) {
            assertNull(s.owner(false), "no owner until one is made");
            String id = s.owner(true);
            assertTrue(id.matches("[0-9a-f]{16}"), id);
            assertEquals(id, s.owner(true));
            assertEquals("rw-------", mode(base.resolve("host").resolve("owner")));
        }
        try (StateStore other = new StateStore(tmp.resolve("other"), null)) {
            assertFalse(other.owner(true).equals(new StateStore(base, null).owner(false)),
                    "two state directories have two owners");
        }
    }

    @Test
    void aStateDirectoryOthersCanWriteIsRefusedBeforeAnythingIsRead() throws Exception {
        Path dir = base.resolve("host");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("applied.iplink"), "touch /tmp/pwned\n");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.applied("applied.iplink"));
            assertTrue(e.getMessage().contains("writable by every user (mode 0777)"), e.getMessage());
            assertTrue(e.getMessage().contains("chmod -R go-w " + base), e.getMessage());
        }
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(dir.resolve("applied.iplink"), PosixFilePermissions.fromString("rw-rw-r--"));
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.applied("applied.iplink"));
            assertTrue(e.getMessage().contains("writable by its group (mode 0664)"), e.getMessage());
        }
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        Assumptions.assumeTrue(isRoot(), "needs root to give a file to another user");
        Path dir = base.resolve("host");
        Files.createDirectories(dir);
        Path file = dir.resolve("applied.iplink");
        Files.writeString(file, "true\n");
        Files.setAttribute(file, "unix:uid", 65534);
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.applied("applied.iplink"));
            assertTrue(e.getMessage().contains("belongs to user 65534"), e.getMessage());
        }
    }

    @Test
    void symbolicLinksAreNeverFollowed() throws Exception {
        Path dir = base.resolve("host");
        Files.createDirectories(dir);
        Path victim = tmp.resolve("victim");
        Files.writeString(victim, "untouched\n");
        Files.createSymbolicLink(dir.resolve("record.properties"), victim);
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, s::record);
            assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        }
        Files.delete(dir.resolve("record.properties"));
        Files.createSymbolicLink(dir.resolve("lock"), victim);
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.lock("netns-test-1"));
            assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        }
        // The temporary file of a write never has a name someone could plant a link at.
        Files.delete(dir.resolve("lock"));
        Files.createSymbolicLink(dir.resolve("record.properties.tmp"), victim);
        Files.createSymbolicLink(dir.resolve(".record.properties.tmp"), victim);
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.write(record(), Map.of()));
            assertTrue(e.getMessage().contains("is a symbolic link"), e.getMessage());
        }
        assertEquals("untouched\n", Files.readString(victim));
    }

    @Test
    void aDamagedRecordNamesTheKeyAndTheWayOut() throws Exception {
        Path dir = base.resolve("host");
        String[][] cases = {
            {"digest=xyz\n", "'digest' is 'xyz', not 64 hex digits"},
            {"digest=" + DIGEST + "\nbackend=pf\n", "'backend' is 'pf', not iptables or nftables"},
            {"digest=" + DIGEST + "\nlayout=mine\n", "'layout' is 'mine'"},
            {"digest=" + DIGEST + "\nprefix=a b\n", "'prefix' is 'a b', not a name"},
            {"digest=" + DIGEST + "\nforward-before.iptables=MAYBE\n", "not ACCEPT or DROP"},
            {"digest=" + DIGEST + "\nfirewall-only=yes\n", "not true or false"},
            {"digest=\\u12\n", "cannot be read"},
            {"", "'digest' is missing"},
        };
        for (String[] c : cases) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("record.properties"), c[0]);
            try (StateStore s = new StateStore(base, null)) {
                ApplyException e = assertThrows(ApplyException.class, s::record, c[0]);
                assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains(c[1]),
                        c[0] + ": " + e.getMessage());
                assertTrue(e.getMessage().contains("apply again"), e.getMessage());
            }
        }
    }

    @Test
    void aDamagedOwnerIsRefused() throws Exception {
        Path dir = base.resolve("host");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("owner"), "not hex\n");
        try (StateStore s = new StateStore(base, null)) {
            ApplyException e = assertThrows(ApplyException.class, () -> s.owner(true));
            assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        }
    }

    private static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
