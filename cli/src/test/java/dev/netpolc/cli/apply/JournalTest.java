package dev.netpolc.cli.apply;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a journal that is not there, not a journal, or cut short. */
class JournalTest {

    @TempDir
    Path dir;

    @Test
    void noJournalIsNoInterruptedApply() throws Exception {
        assertNull(Journal.read(dir));
    }

    @Test
    void aFileThatIsNotAJournalSaysWhatToCheckAndWhatToRemove() throws Exception {
        Path file = dir.resolve(Journal.FILE);
        Files.writeString(file, "something else\n", StandardCharsets.UTF_8);
        ApplyException e = assertThrows(ApplyException.class, () -> Journal.read(dir));
        assertTrue(e.getMessage().startsWith("cannot read the transaction journal " + file + ": not a netpolc journal"),
                e.getMessage());
        assertTrue(e.getMessage().contains("iptables-save"), e.getMessage());
        assertTrue(e.getMessage().endsWith("then delete " + file + " to let apply, --down and status go on"), e.getMessage());
    }

    @Test
    void aJournalCutShortIsReportedAsSuch() throws Exception {
        Path file = dir.resolve(Journal.FILE);
        Files.write(file, (Journal.MAGIC + "families 100\nip").getBytes(StandardCharsets.UTF_8));
        ApplyException e = assertThrows(ApplyException.class, () -> Journal.read(dir));
        assertTrue(e.getMessage().contains("it is cut short"), e.getMessage());
        assertTrue(e.getMessage().contains("then delete " + file), e.getMessage());
    }

    @Test
    void aJournalWithAValueThatIsNotANumberIsReportedNotThrown() throws Exception {
        Path file = dir.resolve(Journal.FILE);
        for (String body : new String[] {entry("pid", "abc"), entry("links.attrs", "eth0\tx\t-\t\tfalse\n"),
                "families x\n"}) {
            Files.write(file, (Journal.MAGIC + body).getBytes(StandardCharsets.UTF_8));
            ApplyException e = assertThrows(ApplyException.class, () -> Journal.read(dir), body);
            assertTrue(e.getMessage().startsWith("cannot read the transaction journal " + file), e.getMessage());
            assertTrue(e.getMessage().contains("then delete " + file), e.getMessage());
        }
    }

    /** One entry of a journal: the key, the value's length in bytes, the value. */
    private static String entry(String key, String value) {
        return key + " " + value.getBytes(StandardCharsets.UTF_8).length + "\n" + value + "\n";
    }
}
