package dev.netpolc.compiler.ast;

import dev.netpolc.ir.SourceSpan;
import java.util.List;

/**
 * One attribute of a block: its keyword, its values in order, and for {@code attach} the
 * options that follow the network name ({@code ip}, {@code ip6}, {@code mac}).
 */
public record Attr(String key, SourceSpan keySpan, List<Value> values, List<Option> options) {

    /** An option of an attribute, such as {@code ip 10.0.0.5} after {@code attach net}. */
    public record Option(String key, SourceSpan keySpan, Value value) {}

    public Attr {
        values = List.copyOf(values);
        options = List.copyOf(options);
    }

    /** The first value, or null when the attribute has none. */
    public Value value() {
        return values.isEmpty() ? null : values.get(0);
    }
}
