package dev.netpolc.ir;

import java.util.Objects;

/**
 * Where something was written: a file, a 1-based line and column, and the length of the text it
 * covers on that line (at least 1, so a caret always has something to point at).
 */
public record SourceSpan(String file, int line, int column, int length) implements Comparable<SourceSpan> {

    /** A span for things no source text stands for, such as built-in defaults. */
    public static final SourceSpan BUILTIN = new SourceSpan("<builtin>", 0, 0, 1);

    public SourceSpan {
        Objects.requireNonNull(file, "file");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
        length = Math.max(1, length);
    }

    public boolean isBuiltin() {
        return line == 0;
    }

    /** The same position, narrowed to {@code len} characters starting {@code offset} characters in. */
    public SourceSpan sub(int offset, int len) {
        return new SourceSpan(file, line, column + offset, len);
    }

    @Override
    public int compareTo(SourceSpan o) {
        int c = file.compareTo(o.file);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(line, o.line);
        return c != 0 ? c : Integer.compare(column, o.column);
    }

    @Override
    public String toString() {
        return isBuiltin() ? file : file + ":" + line + ":" + column;
    }
}
