package dev.netpolc.compiler.parse;

import static dev.netpolc.grammar.NetPolicyParser.*;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.EndpointAst;
import dev.netpolc.compiler.ast.Include;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * A hand-written recursive-descent parser for the fast path of {@link PolicyParser}: for a file
 * the grammar ({@code NetPolicy.g4}) accepts, it builds exactly the items the grammar's parser and
 * {@code PolicyParser}'s tree visitor build; at the first token the grammar would not accept there
 * it throws {@link ParseCancellationException}, and the file is parsed again by the grammar's
 * parser, which reports every error. So it can cost time, never change a result.
 * {@code FastParserTest} checks both halves of that against the grammar's parser.
 *
 * <p>It exists for start-up speed only. In a fresh JVM the generated parser costs the
 * deserialisation of its automaton, the building of its prediction cache and a parse tree, all
 * interpreted until the JIT gets to them: about a third of the compile of a 100-network policy.
 * The grammar needs one token of lookahead everywhere, so each method below reads like the rule
 * of the same name; loops are greedy, as ANTLR's are.
 */
final class FastParser {

    private final FastLexer lexer;
    private final String file;
    /** The next token (the one-token lookahead). */
    private Token next;
    private int type;
    /** While a rule is read: its source text, without comment options; else null. */
    private StringBuilder text;
    /** How many braces are open. */
    private int depth;

    FastParser(FastLexer lexer, String file) {
        this.lexer = lexer;
        this.file = file;
        advance();
    }

    /** The items of the whole text (policy : item* EOF). */
    List<Object> items() {
        List<Object> items = new ArrayList<>();
        while (type != Token.EOF) {
            Object o = item();
            if (o != null) {
                items.add(o);
            }
        }
        return items;
    }

    // ---- tokens ----

    private void advance() {
        next = lexer.nextToken();
        type = next.getType();
    }

    /** Consumes the next token, whatever it is, and returns it. */
    private Token take() {
        Token t = next;
        if (text != null) {
            if (text.length() > 0 && type != COMMA) {
                text.append(' ');
            }
            text.append(t.getText());
        }
        advance();
        return t;
    }

    /** Consumes the next token, which must be of {@code expected}. */
    private Token take(int expected) {
        if (type != expected) {
            throw syntax();
        }
        return take();
    }

    /**
     * Consumes a '{'. Deeper than {@link PolicyParser#MAX_NESTING}, gives up: the grammar's path
     * reports the nesting before it parses.
     */
    private Token open() {
        if (++depth > PolicyParser.MAX_NESTING) {
            throw syntax();
        }
        return take(LBRACE);
    }

    private static ParseCancellationException syntax() {
        return new ParseCancellationException("syntax error");
    }

    private SourceSpan span(Token t) {
        return PolicyParser.span(file, t);
    }

    // ---- items ----

    private Object item() {
        switch (type) {
            case INCLUDE -> {
                take();
                return new Include(value());
            }
            case SETTINGS -> {
                return block(Block.Kind.SETTINGS, take(), null);
            }
            case NETWORK -> {
                Token keyword = take();
                return block(Block.Kind.NETWORK, keyword, value());
            }
            case CONTAINER -> {
                Token keyword = take();
                return block(Block.Kind.CONTAINER, keyword, value());
            }
            case NODE -> {
                Token keyword = take();
                return block(Block.Kind.NODE, keyword, value());
            }
            case DEFINE -> {
                take();
                Value name = value();
                take(EQUALS);
                return new Define(name, endpointSet());
            }
            case LOG, ALLOW, DENY, REJECT -> {
                return rule();
            }
            case WORD -> {
                // unknownItem: WORD (WORD | STRING)* block? -- kept only to be reported
                Token word = take();
                while (type == WORD || type == STRING) {
                    take();
                }
                if (type == LBRACE) {
                    block(Block.Kind.SETTINGS, word, null);
                }
                return new PolicyParser.UnsupportedItem(span(word), word.getText());
            }
            case SEMI -> {
                take();
                return null;
            }
            default -> throw syntax();
        }
    }

    /** block : '{' attribute* '}' */
    private Block block(Block.Kind kind, Token keyword, Value name) {
        open();
        List<Attr> attrs = new ArrayList<>();
        while (type != RBRACE) {
            Attr a = attribute();
            if (a != null) {
                attrs.add(a);
            }
        }
        take();
        depth--;
        return new Block(kind, span(keyword), name, attrs, false);
    }

    /** One attribute of a block; null for an empty one (';'). */
    private Attr attribute() {
        Token key = next;
        List<Value> values = new ArrayList<>(2);
        List<Attr.Option> options = List.of();
        switch (type) {
            case DRIVER, SUBNET, IP_RANGE, GATEWAY, BRIDGE_NAME, MTU, SNAT_SOURCE, HOST_BINDING, PARENT, MODE, VLAN,
                    VXLAN_ID, UNDERLAY, NETNS, NODE, ADDRESS, CHAIN_PREFIX, FORWARD_POLICY, NFT_TABLE, UPLINK_MTU,
                    LAYOUT -> {
                take();
                values.add(value());
            }
            case ICC, MASQUERADE, USERLAND_PROXY -> {
                // toggle : ON | OFF | WORD
                take();
                if (type != ON && type != OFF && type != WORD) {
                    throw syntax();
                }
                values.add(word(take()));
            }
            case INTERNAL -> {
                // INTERNAL onOff?
                take();
                if (type == ON || type == OFF) {
                    values.add(word(take()));
                }
            }
            case PEERS, UPLINK -> {
                take();
                valueList(values);
            }
            case ATTACH -> {
                take();
                values.add(value());
                if (type == IP || type == IP6 || type == MAC) {
                    options = new ArrayList<>();
                    while (type == IP || type == IP6 || type == MAC) {
                        Token option = take();
                        options.add(new Attr.Option(option.getText(), span(option), value()));
                    }
                }
            }
            case PUBLISH -> {
                take();
                values.add(value());
                if (type == ARROW) {
                    take();
                    values.add(value());
                }
            }
            case WORD -> {
                // unknownAttr : WORD (WORD | STRING)* -- the values as written, quotes stripped, escapes kept
                take();
                while (type == WORD || type == STRING) {
                    Token t = take();
                    if (t.getType() == STRING) {
                        String raw = t.getText();
                        values.add(new Value(raw.substring(1, raw.length() - 1), span(t), true));
                    } else {
                        values.add(word(t));
                    }
                }
            }
            case SEMI -> {
                take();
                return null;
            }
            default -> throw syntax();
        }
        return new Attr(key.getText(), span(key), values, options);
    }

    // ---- rules ----

    /** policyRule : LOG (PREFIX value)? verdict? ruleBody | verdict ruleBody */
    private RuleDecl rule() {
        Token start = next;
        text = new StringBuilder();
        boolean log = false;
        Value prefix = null;
        if (type == LOG) {
            log = true;
            take();
            if (type == PREFIX) {
                take();
                prefix = value();
            }
        }
        String verdict = null;
        if (type == ALLOW || type == DENY || type == REJECT) {
            verdict = take().getText();
        } else if (!log) {
            throw syntax();
        }
        EndpointAst from = endpoint();
        take(ARROW);
        EndpointAst to = endpoint();
        List<Attr> options = new ArrayList<>();
        while (true) {
            if (type == PORT || type == PROTO || type == ICMP_TYPE) {
                Token key = take();
                List<Value> values = new ArrayList<>(2);
                valueList(values);
                options.add(new Attr(key.getText(), span(key), values, List.of()));
            } else if (type == COMMENT_KW) {
                // a rule's text leaves its comment out
                StringBuilder ruleText = text;
                text = null;
                Token key = take();
                options.add(new Attr(key.getText(), span(key), List.of(value()), List.of()));
                text = ruleText;
            } else {
                break;
            }
        }
        String source = text.toString();
        text = null;
        return new RuleDecl(log, prefix, verdict, from, to, options, source, span(start));
    }

    /** endpoint : (NETWORK | CONTAINER) value | value | endpointSet */
    private EndpointAst endpoint() {
        switch (type) {
            case NETWORK, CONTAINER -> {
                Token kind = take();
                EndpointAst.Kind k = kind.getType() == NETWORK ? EndpointAst.Kind.NETWORK : EndpointAst.Kind.CONTAINER;
                return new EndpointAst(k, value(), List.of(), span(kind));
            }
            case WORD, STRING -> {
                Value v = value();
                return new EndpointAst(EndpointAst.Kind.WORD, v, List.of(), v.span());
            }
            case LBRACE -> {
                return endpointSet();
            }
            default -> throw syntax();
        }
    }

    /** endpointSet : '{' (endpoint (',' endpoint)* ','?)? '}' */
    private EndpointAst endpointSet() {
        Token open = open();
        List<EndpointAst> members = new ArrayList<>();
        while (type != RBRACE) {
            members.add(endpoint());
            if (type != COMMA) {
                break;
            }
            take();
        }
        take(RBRACE);
        depth--;
        return new EndpointAst(EndpointAst.Kind.SET, null, members, span(open));
    }

    // ---- values ----

    /** value : WORD | STRING; a string's quotes are stripped and its escapes resolved. */
    private Value value() {
        if (type == WORD) {
            return word(take());
        }
        if (type != STRING) {
            throw syntax();
        }
        Token t = take();
        String raw = t.getText();
        String body = raw.substring(1, raw.length() - 1);
        if (body.indexOf('\\') >= 0) {
            body = body.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return new Value(body, span(t), true);
    }

    /** valueList : value (',' value)* */
    private void valueList(List<Value> into) {
        into.add(value());
        while (type == COMMA) {
            take();
            into.add(value());
        }
    }

    /** A token's text as an unquoted value. */
    private Value word(Token t) {
        return new Value(t.getText(), span(t), false);
    }
}
