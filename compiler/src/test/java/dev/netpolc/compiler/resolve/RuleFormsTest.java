package dev.netpolc.compiler.resolve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** RuleResolver's written-out forms of a port and of a comment against the expressions they stand for. */
class RuleFormsTest {

    private static final Pattern PORT = Pattern.compile("([0-9]{1,5})(?:-([0-9]{1,5}))?(?:/([A-Za-z0-9]+))?");
    private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9 ._:/@,=+>\\-\\[\\]()]*");

    @Provide
    Arbitrary<String> portish() {
        return Arbitraries.strings().withChars("0159-/tcpUDP٣ x").ofMinLength(0).ofMaxLength(14);
    }

    @Property(tries = 5000)
    void portsAgreeWithTheExpression(@ForAll("portish") String s) {
        Matcher m = PORT.matcher(s);
        String[] parts = RuleResolver.portParts(s);
        if (!m.matches()) {
            assertNull(parts, s);
        } else {
            assertArrayEquals(new String[] {m.group(1), m.group(2), m.group(3)}, parts, s);
        }
    }

    @Provide
    Arbitrary<String> textish() {
        return Arbitraries.strings().withChars("aZ09 ._:/@,=+>-[]()\"'#;\\é\t\n").ofMinLength(0).ofMaxLength(12);
    }

    @Property(tries = 5000)
    void textAgreesWithTheExpression(@ForAll("textish") String s) {
        int bad = RuleResolver.firstBadTextChar(s);
        assertEquals(TEXT.matcher(s).matches(), bad < 0, s);
        if (bad >= 0) {
            assertEquals(true, TEXT.matcher(s.substring(0, bad)).matches(), s);
            assertEquals(false, TEXT.matcher(s.substring(0, bad + 1)).matches(), s);
        }
    }

    @Test
    void examples() {
        assertArrayEquals(new String[] {"80", null, "tcp"}, RuleResolver.portParts("80/tcp"));
        assertArrayEquals(new String[] {"8000", "8100", null}, RuleResolver.portParts("8000-8100"));
        assertNull(RuleResolver.portParts("123456"));
        assertNull(RuleResolver.portParts("80-"));
        assertNull(RuleResolver.portParts("80/"));
        assertNull(RuleResolver.portParts("/tcp"));
        assertEquals(-1, RuleResolver.firstBadTextChar("web (v2) -> db"));
        assertEquals(3, RuleResolver.firstBadTextChar("abc\"d"));
    }
}
