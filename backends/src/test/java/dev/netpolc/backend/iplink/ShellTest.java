package dev.netpolc.backend.iplink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Quoting for the generated scripts: what a POSIX shell reads back is exactly the text. */
class ShellTest {

    private static final List<String> NASTY = List.of("plain", "", "it's", "''", "a b", "$(reboot)", "`id`", "$HOME",
            "back\\slash", "new\nline", "semi;colon", "\"double\"", "#hash", "*", "-n", "tab\there");

    @Test
    void quoteEscapesSingleQuotesTheWayPosixShellsReadThem() {
        assertEquals("'it'\\''s'", Shell.quote("it's"));
        assertEquals("'br-apps'", Shell.quote("br-apps"));
    }

    @Test
    void aQuotedWordIsReadBackAsExactlyTheText() throws IOException, InterruptedException {
        for (String text : NASTY) {
            Process p = new ProcessBuilder("sh", "-c", "printf '%s' " + Shell.quote(text)).redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            assertEquals(text, out, "sh read back something else for " + text);
        }
    }

    @Test
    void batchWordsArePlainWordsOrRefused() {
        assertEquals("'netpolc:veth:web:app'", Shell.batchWord("netpolc:veth:web:app"));
        assertEquals("'eth0.10'", Shell.batchWord("eth0.10"));
        for (String text : NASTY) {
            if (!text.equals("plain") && !text.equals("-n")) {
                assertThrows(IllegalArgumentException.class, () -> Shell.batchWord(text), text);
            }
        }
    }

    @Test
    void commentsKeepPrintableAsciiOnly() {
        assertEquals("policies/a?b.net", Shell.comment("policies/a\nb.net"));
        assertEquals("caf?.net", Shell.comment("café.net"));
    }
}
