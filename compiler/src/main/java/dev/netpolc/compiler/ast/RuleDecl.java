package dev.netpolc.compiler.ast;

import dev.netpolc.ir.SourceSpan;
import java.util.List;

/**
 * A policy rule as written: {@code [log [prefix P]] [allow|deny|reject] FROM -> TO OPTIONS}.
 *
 * @param log        whether it starts with {@code log}
 * @param logPrefix  the prefix after {@code log prefix}, or null
 * @param verdict    {@code allow}, {@code deny} or {@code reject}, or null for a bare {@code log}
 * @param options    {@code port}, {@code proto}, {@code icmp-type} and {@code comment}, in order
 * @param text       the rule's source text with whitespace collapsed
 * @param span       the rule's first keyword
 */
public record RuleDecl(boolean log, Value logPrefix, String verdict, EndpointAst from, EndpointAst to, List<Attr> options,
        String text, SourceSpan span) {

    public RuleDecl {
        options = List.copyOf(options);
    }
}
