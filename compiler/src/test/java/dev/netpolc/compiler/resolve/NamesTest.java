package dev.netpolc.compiler.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written object name check against Docker's rule as a regular expression. */
class NamesTest {

    /** Docker's rule for network and container names. */
    private static final Pattern OBJECT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    @Provide
    Arbitrary<String> nameish() {
        return Arbitraries.strings().withChars("aZ09_.-/ é\t").ofMinLength(0).ofMaxLength(8);
    }

    @Property(tries = 3000)
    void objectNamesAgreeWithTheExpression(@ForAll("nameish") String name) {
        assertEquals(OBJECT_NAME.matcher(name).matches(), Names.isObjectName(name), name);
    }

    @Test
    void examples() {
        assertEquals(true, Names.isObjectName("web-1.a_b"));
        assertEquals(false, Names.isObjectName("-web"));
        assertEquals(false, Names.isObjectName("_web"));
        assertEquals(false, Names.isObjectName(""));
        assertEquals(false, Names.isObjectName("a b"));
    }
}
