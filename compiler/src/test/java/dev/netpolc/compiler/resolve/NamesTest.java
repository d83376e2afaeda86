package dev.netpolc.compiler.resolve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The hand-written name checks against the regular expressions they stand for. */
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

    private static final Pattern INTERFACE_CHARS = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern CHAIN_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern NFT_TABLE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");

    @Provide
    Arbitrary<String> wordish() {
        return Arbitraries.strings().withChars("aZz09_.-/:é\t").ofMinLength(0).ofMaxLength(36);
    }

    @Property(tries = 3000)
    void wordsAgreeWithTheExpressions(@ForAll("wordish") String s) {
        assertEquals(INTERFACE_CHARS.matcher(s).matches(), Names.isWord(s, false, "_.-", Integer.MAX_VALUE), s);
        assertEquals(CHAIN_PREFIX.matcher(s).matches(), Names.isWord(s, true, "_-", Integer.MAX_VALUE), s);
        assertEquals(NFT_TABLE.matcher(s).matches(), Names.isWord(s, true, "_-", 32), s);
        // and as the checks use them
        assertEquals(NFT_TABLE.matcher(s).matches(), Names.nftTableProblem(s).isEmpty(), s);
    }

    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");

    @Provide
    Arbitrary<String> macish() {
        return Arbitraries.strings().withChars("09afAFgG:-").ofMinLength(15).ofMaxLength(19);
    }

    @Property(tries = 3000)
    void macsAgreeWithTheExpression(@ForAll("macish") String s) {
        assertEquals(MAC.matcher(s).matches(), ContainerResolver.isMac(s), s);
    }

    @Test
    void macExamples() {
        assertEquals(true, ContainerResolver.isMac("02:42:ac:11:00:02"));
        assertEquals(true, ContainerResolver.isMac("02:42:AC:11:00:0F"));
        assertEquals(false, ContainerResolver.isMac("02:42:ac:11:00:0g"));
        assertEquals(false, ContainerResolver.isMac("02-42-ac-11-00-02"));
        assertEquals(false, ContainerResolver.isMac("02:42:ac:11:00:020"));
    }

    @Test
    void wordExamples() {
        assertEquals(true, Names.isWord("eth0.10", false, "_.-", 15));
        assertEquals(true, Names.isWord("a" + "b".repeat(31), true, "_-", 32));
        assertEquals(false, Names.isWord("a" + "b".repeat(32), true, "_-", 32));
        assertEquals(false, Names.isWord("0abc", true, "_-", 32));
        assertEquals(false, Names.isWord("", false, "_.-", 15));
        assertEquals(false, Names.isWord("a.b", true, "_-", 32));
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
