package dev.netpolc.compiler.parse;

/**
 * Finds a place to cut a policy's text in two for parsing the halves at the same time: the start
 * of a line that begins a {@code network}, {@code container} or {@code node} block outside any
 * brace, string or comment. The scan follows the lexer's rules for comments ({@code #} to the end
 * of the line) and strings (double quotes, backslash escapes, never across a line end).
 */
final class ItemBoundary {

    private ItemBoundary() {}

    /** A cut at or after {@code from}, or -1 when there is none (or the text is not balanced so far). */
    static int near(String text, int from) {
        int depth = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c == '"') {
                i++;
                while (i < n && text.charAt(i) != '"' && text.charAt(i) != '\n') {
                    i += text.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (--depth < 0) {
                    return -1;
                }
            } else if (c == '\n' && depth == 0 && i + 1 >= from && startsItem(text, i + 1)) {
                return i + 1;
            }
            i++;
        }
        return -1;
    }

    private static boolean startsItem(String text, int at) {
        return text.startsWith("network ", at) || text.startsWith("container ", at) || text.startsWith("node ", at);
    }

    /** The line number (from 1) of the character at {@code index}. */
    static int lineAt(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
