package dev.netpolc.compiler.resolve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** netpolc's SHA-256 against the JDK's, on the FIPS 180-4 examples and on any input. */
class Sha256Test {

    @Test
    void standardExamples() {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(""));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc"));
        assertEquals("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
                Sha256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    }

    @Property(tries = 2000)
    void agreesWithTheJdk(@ForAll @Size(max = 300) byte[] input) throws NoSuchAlgorithmException {
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(input), Sha256.digest(input));
    }

    @Property(tries = 500)
    void hexOfStringsAgreesWithTheJdk(@ForAll String s) throws NoSuchAlgorithmException {
        byte[] jdk = MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(jdk), Sha256.hex(s));
    }

    @Property(tries = 200)
    void aPrefixIsThePrefixOfTheWholeHex(@ForAll String s, @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 64) int digits) {
        assertEquals(Sha256.hex(s).substring(0, digits), Sha256.hex(s, digits));
    }

    @Test
    void everyLengthAroundTheBlockBoundaries() throws NoSuchAlgorithmException {
        for (int n = 0; n <= 200; n++) {
            byte[] input = new byte[n];
            for (int i = 0; i < n; i++) {
                input[i] = (byte) (i * 31 + n);
            }
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(input), Sha256.digest(input), "length " + n);
        }
    }
}
