package dev.netpolc.compiler.ast;

import dev.netpolc.ir.SourceSpan;
import java.util.List;

/**
 * A declaration with a block: {@code network NAME {...}}, {@code container NAME {...}},
 * {@code node NAME {...}} or {@code settings {...}} (then {@code name} is null). {@code incomplete} is true when an attribute
 * was dropped because of a syntax error: checks that infer something from what is missing (a
 * container with no 'attach', a macvlan with no 'parent') then stay silent.
 */
public record Block(Kind kind, SourceSpan keywordSpan, Value name, List<Attr> attrs, boolean incomplete) {

    /** The kinds of block a policy has. */
    public enum Kind {
        NETWORK("network"),
        CONTAINER("container"),
        NODE("node"),
        SETTINGS("settings");

        private final String keyword;

        Kind(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    public Block {
        attrs = List.copyOf(attrs);
    }

    /** Where the declaration is best pointed at: its name, or its keyword for settings. */
    public SourceSpan span() {
        return name != null ? name.span() : keywordSpan;
    }
}
