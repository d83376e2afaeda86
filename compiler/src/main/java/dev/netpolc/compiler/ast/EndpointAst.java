package dev.netpolc.compiler.ast;

import dev.netpolc.ir.SourceSpan;
import java.util.List;

/**
 * A rule endpoint as written: a word ({@code web}, {@code 10.0.0.0/8}, {@code host}), a qualified
 * name ({@code network web}, {@code container db}) or a set literal ({@code {a, b}}).
 *
 * @param kind    what it is
 * @param value   the word or name; null for a set
 * @param members the members of a set; empty otherwise
 * @param span    where it is written (for a set, its opening brace)
 */
public record EndpointAst(Kind kind, Value value, List<EndpointAst> members, SourceSpan span) {

    /** The forms an endpoint is written in. */
    public enum Kind { WORD, NETWORK, CONTAINER, SET }

    public EndpointAst {
        members = List.copyOf(members);
    }

    /** The endpoint as written, with single spaces. */
    public String text() {
        switch (kind) {
            case NETWORK:
                return "network " + value.text();
            case CONTAINER:
                return "container " + value.text();
            case SET:
                StringBuilder b = new StringBuilder("{ ");
                for (int i = 0; i < members.size(); i++) {
                    b.append(i == 0 ? "" : ", ").append(members.get(i).text());
                }
                return b.append(members.isEmpty() ? "}" : " }").toString();
            default:
                return value.text();
        }
    }
}
