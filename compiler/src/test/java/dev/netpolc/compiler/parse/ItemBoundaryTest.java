package dev.netpolc.compiler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where a large policy may be cut for parsing its halves at once. */
class ItemBoundaryTest {

    @Test
    void cutsAtTheNextBlockThatStartsALineOutsideBraces() {
        String text = "network a {\n  subnet 10.0.0.0/24\n}\ncontainer x { attach a }\nnetwork b {}\n";
        assertEquals(text.indexOf("container x"), ItemBoundary.near(text, 5));
        assertEquals(text.indexOf("network b"), ItemBoundary.near(text, text.indexOf("container x") + 1));
        assertEquals(4, ItemBoundary.lineAt(text, text.indexOf("container x")));
    }

    @Test
    void bracesInCommentsAndStringsDoNotCount() {
        String text = "# {\nnetwork a { comment \"}\\\" {\" }\ncontainer x { attach a }\n";
        assertEquals(4, ItemBoundary.near(text, 1));
        assertEquals(text.indexOf("container x"), ItemBoundary.near(text, 5));
    }

    @Test
    void neverInsideABlockNorWithoutAKeyword() {
        String inside = "network a {\ncontainer x {}\n";
        assertEquals(-1, ItemBoundary.near(inside, 1));
        String rule = "allow a ->\nb\n";
        assertEquals(-1, ItemBoundary.near(rule, 1));
        assertEquals(-1, ItemBoundary.near("}\nnetwork a {}\n", 0));
    }
}
