package dev.netpolc.cli.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The record is written without Properties.store, and must read back with Properties.load as it was. */
class StateStoreTest {

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
}
