package dev.netpolc.compiler.ast;

import java.util.List;

/**
 * One parsed file: its top-level items in order, each an {@link Include} or a {@link Block}.
 */
public record ParsedFile(String name, List<Object> items) {

    public ParsedFile {
        items = List.copyOf(items);
    }
}
