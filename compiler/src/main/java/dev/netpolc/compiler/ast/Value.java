package dev.netpolc.compiler.ast;

import dev.netpolc.ir.SourceSpan;

/** One value as written: its text (unquoted and unescaped when it was a string) and where. */
public record Value(String text, SourceSpan span, boolean quoted) {

    /** The span of the value's text, without surrounding quotes. */
    public SourceSpan textSpan() {
        return quoted ? span.sub(1, Math.max(1, span.length() - 2)) : span;
    }
}
