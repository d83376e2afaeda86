package dev.netpolc.backend.iplink;

import java.util.regex.Pattern;

/**
 * The one place where text from a policy is made safe for the generated scripts. The compiler
 * already holds every name to a small alphabet; quoting here is the second line of defence, so a
 * name that slipped through would still be one inert word.
 */
final class Shell {

    /** What {@code ip -batch} reads as one plain word inside a here-document. */
    private static final Pattern BATCH_WORD = Pattern.compile("[A-Za-z0-9_.:/@-]+");

    private Shell() {}

    /**
     * A POSIX shell word that stands for exactly {@code text}: single quotes around it, each
     * single quote inside written as {@code '\''} (close, escaped quote, reopen).
     */
    static String quote(String text) {
        if (text.indexOf('\'') < 0) {
            return new StringBuilder(text.length() + 2).append('\'').append(text).append('\'').toString();
        }
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /**
     * A word for a line of {@code ip -batch} or {@code bridge -batch} input in an unquoted
     * here-document. The shell expands {@code $}, {@code `} and {@code \} there, and iproute2's
     * batch reader cuts a line at {@code #} and knows no escapes, so nothing can be escaped: the
     * text must be a plain word, which every name the compiler accepts is.
     *
     * @throws IllegalArgumentException for any other text (a bug: the compiler let it through)
     */
    static String batchWord(String text) {
        if (!BATCH_WORD.matcher(text).matches()) {
            throw new IllegalArgumentException("not a plain word for ip -batch: " + text);
        }
        return quote(text);
    }

    /** Text for a {@code #} comment: printable ASCII only, so a file name cannot end the comment. */
    static String comment(String text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) >= 0x20 && text.charAt(i) < 0x7f) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> b.append(cp >= 0x20 && cp < 0x7f ? (char) cp : '?'));
        return b.toString();
    }
}
