package dev.netpolc.compiler.parse;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.EndpointAst;
import dev.netpolc.compiler.ast.Include;
import dev.netpolc.compiler.ast.ParsedFile;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.grammar.NetPolicyBaseVisitor;
import dev.netpolc.grammar.NetPolicyLexer;
import dev.netpolc.grammar.NetPolicyParser;
import dev.netpolc.grammar.NetPolicyParser.AttachOptionContext;
import dev.netpolc.grammar.NetPolicyParser.AttributeContext;
import dev.netpolc.grammar.NetPolicyParser.ValueContext;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns the text of one policy file into a {@link ParsedFile}, reporting every lexical and
 * syntax error as a diagnostic. ANTLR's console listeners are removed: nothing is printed.
 */
public final class PolicyParser {

    private PolicyParser() {}

    public static ParsedFile parse(String fileName, String text, Diagnostics diags) {
        List<Object> fast = fastParse(fileName, text);
        if (fast != null) {
            return new ParsedFile(fileName, fast);
        }
        return grammarParse(fileName, text, diags);
    }

    /**
     * The path for a file with errors: the grammar's lexer and parser, which report each error.
     * It accepts exactly what the fast path accepts and builds the same items (FastParserTest).
     */
    static ParsedFile grammarParse(String fileName, String text, Diagnostics diags) {
        NetPolicyLexer lexer = new NetPolicyLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        for (Token t : tokens.getTokens()) {
            if (t.getType() == NetPolicyLexer.UNEXPECTED_CHAR) {
                diags.report(DiagnosticCode.UNEXPECTED_CHARACTER, span(fileName, t),
                        "unexpected character " + printable(t.getText()),
                        Note.help("names and values use letters, digits and . : / - _ [ ]; write other text in double quotes"));
                ((CommonToken) t).setChannel(Token.HIDDEN_CHANNEL);
            } else if (t.getType() == NetPolicyLexer.UNTERMINATED_STRING) {
                diags.report(DiagnosticCode.UNTERMINATED_STRING, span(fileName, t), "unterminated string",
                        Note.help("close the string with '\"' on the same line"));
                ((CommonToken) t).setType(NetPolicyLexer.STRING);
                ((CommonToken) t).setText(t.getText() + "\"");
            }
        }
        // Braces nested deeper than any policy needs would make the recursive parsers (and the
        // resolver after them) run out of stack: refused here, before either parser runs.
        int depth = 0;
        for (Token t : tokens.getTokens()) {
            if (t.getType() == NetPolicyLexer.LBRACE && ++depth > MAX_NESTING) {
                diags.report(DiagnosticCode.SYNTAX_ERROR, span(fileName, t), "braces nested more than " + MAX_NESTING
                        + " deep", Note.help("a set inside a set adds nothing: list the members in one set, or"
                                + " name a set with 'define' and use its name"));
                return new ParsedFile(fileName, List.of());
            } else if (t.getType() == NetPolicyLexer.RBRACE && depth > 0) {
                depth--;
            }
        }
        // Two stages, as ANTLR recommends for speed: the fast SLL mode first, bailing out at the
        // first error; only a file with errors is parsed again in full LL mode, which recovers
        // from errors and reports each of them.
        NetPolicyParser parser = new NetPolicyParser(tokens);
        parser.removeErrorListeners();
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            NetPolicyParser.PolicyContext tree = parser.policy();
            return new ParsedFile(fileName, new AstBuilder(fileName).items(tree));
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
        }
        parser.getInterpreter().setPredictionMode(PredictionMode.LL);
        parser.setErrorHandler(new WordingErrorStrategy());
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offending, int line, int column, String msg,
                    RecognitionException e) {
                Token t = (Token) offending;
                List<Note> notes = new ArrayList<>();
                var expected = ((NetPolicyParser) recognizer).getExpectedTokens();
                boolean valueExpected = expected.contains(NetPolicyLexer.WORD) && !expected.contains(NetPolicyLexer.DRIVER)
                        && !expected.contains(NetPolicyLexer.NETWORK);
                if (isKeyword(t) && valueExpected) {
                    notes.add(Note.help("'" + t.getText() + "' is a keyword; to use it as a name or value, write it in quotes: \""
                            + t.getText() + "\""));
                }
                if (expected.contains(NetPolicyLexer.RBRACE)) {
                    Token open = unclosedBrace(tokens, t);
                    if (open != null) {
                        notes.add(Note.note("the block opened at " + span(fileName, open) + " is not closed"));
                        notes.add(Note.help("add '}' where the block ends"));
                    }
                }
                diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.SYNTAX_ERROR,
                        DiagnosticCode.SYNTAX_ERROR.defaultSeverity(), span(fileName, t), msg, notes));
            }
        });
        NetPolicyParser.PolicyContext tree = parser.policy();
        return new ParsedFile(fileName, new AstBuilder(fileName).items(tree));
    }

    /**
     * The fast path for a file without errors, which is nearly every file: tokens are read as the
     * parser asks for them and forgotten once consumed, and each item is built as it is read, with
     * no parse tree. So neither the token list nor a tree of a large file is ever held whole (for
     * 100,000 containers they were most of the memory and of the garbage collector's work). Any
     * lexical or syntax error abandons this path (null), and the file is parsed again by the path
     * that reports every error.
     */
    static List<Object> fastParse(String fileName, String text) {
        int split = text.length() < PARALLEL_MIN_CHARS ? -1 : ItemBoundary.near(text, text.length() / 2);
        if (split < 0) {
            return fastParse(fileName, text, 1);
        }
        // A large file is cut in two at a line where a network, container or node block starts,
        // and the halves are parsed at the same time. Should the cut be in a bad place after all, a
        // half fails to parse and the whole file goes to the full path, so the cut can only cost
        // time, never change a result.
        int secondLine = ItemBoundary.lineAt(text, split);
        String second = text.substring(split);
        @SuppressWarnings("unchecked")
        List<Object>[] tail = new List[1];
        Thread helper = new Thread(() -> tail[0] = fastParse(fileName, second, secondLine), "netpolc-parse");
        helper.setDaemon(true);
        helper.start();
        List<Object> head = fastParse(fileName, text.substring(0, split), 1);
        try {
            helper.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (head == null || tail[0] == null) {
            return null;
        }
        head.addAll(tail[0]);
        return head;
    }

    /** How deep braces may nest: a block and sets in sets, far more than any policy needs. */
    static final int MAX_NESTING = 64;

    /** Files shorter than this are parsed by one thread: a thread costs more than it saves. */
    static final int PARALLEL_MIN_CHARS = 256 * 1024;

    /** Parses text that starts at line {@code firstLine} of the file; null on any error. */
    private static List<Object> fastParse(String fileName, String text, int firstLine) {
        // The hand-written lexer and parser, not the grammar's: a cold start pays for the generated
        // classes' automata and their interpreted simulators (FastLexer and FastParser say why that
        // is safe). Both throw ParseCancellationException where the grammar would report an error.
        try {
            return new FastParser(new FastLexer(text, fileName, firstLine), fileName).items();
        } catch (ParseCancellationException e) {
            return null;
        }
    }

    /** The innermost '{' still open where {@code at} stands, or null. */
    private static Token unclosedBrace(CommonTokenStream tokens, Token at) {
        java.util.ArrayDeque<Token> open = new java.util.ArrayDeque<>();
        for (Token t : tokens.getTokens()) {
            if (t.getTokenIndex() >= at.getTokenIndex()) {
                break;
            }
            if (t.getType() == NetPolicyLexer.LBRACE) {
                open.push(t);
            } else if (t.getType() == NetPolicyLexer.RBRACE && !open.isEmpty()) {
                open.pop();
            }
        }
        return open.peek();
    }

    private static boolean isKeyword(Token t) {
        String literal = NetPolicyLexer.VOCABULARY.getLiteralName(t.getType());
        return literal != null && Character.isLetter(literal.charAt(1));
    }

    static SourceSpan span(String file, Token t) {
        int length = t.getType() == Token.EOF ? 1 : t.getText().codePointCount(0, t.getText().length());
        return new SourceSpan(file, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, length);
    }

    private static String printable(String s) {
        int cp = s.codePointAt(0);
        if (cp < 0x20 || cp == 0x7f) {
            return String.format("U+%04X", cp);
        }
        return "'" + s + "'" + (cp > 0x7e ? String.format(" (U+%04X)", cp) : "");
    }

    /** Builds the AST from the parse tree. Error nodes are skipped; the errors are already reported. */
    private static final class AstBuilder extends NetPolicyBaseVisitor<Object> {
        private final String file;

        AstBuilder(String file) {
            this.file = file;
        }

        List<Object> items(NetPolicyParser.PolicyContext tree) {
            List<Object> items = new ArrayList<>();
            for (NetPolicyParser.ItemContext item : tree.item()) {
                Object o = item.accept(this);
                if (o != null) {
                    items.add(o);
                }
            }
            return items;
        }

        private SourceSpan span(Token t) {
            return PolicyParser.span(file, t);
        }

        private Value value(ValueContext v) {
            if (v == null || v.getStart() == null || v.exception != null) {
                return null;
            }
            Token t = v.getStart();
            if (t.getType() == NetPolicyLexer.STRING) {
                String raw = t.getText();
                String body = raw.substring(1, raw.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
                return new Value(body, span(t), true);
            }
            if (t.getType() != NetPolicyLexer.WORD) {
                return null;
            }
            return new Value(t.getText(), span(t), false);
        }

        private Value value(Token t) {
            if (t.getType() == NetPolicyLexer.STRING) {
                String raw = t.getText();
                return new Value(raw.substring(1, raw.length() - 1), span(t), true);
            }
            return new Value(t.getText(), span(t), false);
        }

        private Block block(Block.Kind kind, Token keyword, ValueContext name, NetPolicyParser.BlockContext block) {
            Value n = name == null ? null : value(name);
            if (name != null && n == null) {
                return null;
            }
            List<Attr> attrs = new ArrayList<>();
            boolean incomplete = block == null || block.exception != null;
            if (block != null) {
                for (AttributeContext a : block.attribute()) {
                    Attr attr = attr(a);
                    if (attr != null) {
                        attrs.add(attr);
                    } else if (!(a instanceof NetPolicyParser.EmptyAttrContext)) {
                        incomplete = true;
                    }
                }
            }
            return new Block(kind, span(keyword), n, attrs, incomplete);
        }

        private Attr attr(AttributeContext a) {
            if (a instanceof NetPolicyParser.EmptyAttrContext || a.exception != null) {
                return null;
            }
            Token key = a.getStart();
            List<Value> values = new ArrayList<>();
            List<Attr.Option> options = new ArrayList<>();
            boolean keyed = false;
            for (ParseTree child : childrenOf(a)) {
                if (child instanceof TerminalNode) {
                    Token t = ((TerminalNode) child).getSymbol();
                    if (!keyed) {
                        keyed = true;
                    } else if (t.getType() == NetPolicyLexer.WORD || t.getType() == NetPolicyLexer.STRING) {
                        values.add(value(t));
                    }
                } else if (child instanceof ValueContext) {
                    Value v = value((ValueContext) child);
                    if (v == null) {
                        return null;
                    }
                    values.add(v);
                } else if (child instanceof NetPolicyParser.ValueListContext) {
                    for (ValueContext v : ((NetPolicyParser.ValueListContext) child).value()) {
                        Value vv = value(v);
                        if (vv == null) {
                            return null;
                        }
                        values.add(vv);
                    }
                } else if (child instanceof NetPolicyParser.ToggleContext || child instanceof NetPolicyParser.OnOffContext) {
                    // Error recovery may have conjured the token; the error is reported already.
                    ParserRuleContext toggle = (ParserRuleContext) child;
                    Token t = toggle.getStart();
                    boolean real = toggle.getChildCount() == 1 && toggle.getChild(0) instanceof TerminalNode
                            && !(toggle.getChild(0) instanceof org.antlr.v4.runtime.tree.ErrorNode);
                    boolean word = t.getType() == NetPolicyLexer.ON || t.getType() == NetPolicyLexer.OFF
                            || t.getType() == NetPolicyLexer.WORD;
                    if (toggle.exception != null || !real || !word) {
                        return null;
                    }
                    values.add(new Value(t.getText(), span(t), false));
                } else if (child instanceof AttachOptionContext) {
                    AttachOptionContext o = (AttachOptionContext) child;
                    Value v = value(o.value());
                    if (o.key == null || v == null) {
                        return null;
                    }
                    options.add(new Attr.Option(o.key.getText(), span(o.key), v));
                }
            }
            return new Attr(key.getText(), span(key), values, options);
        }

        private static List<ParseTree> childrenOf(AttributeContext a) {
            List<ParseTree> children = new ArrayList<>();
            for (int i = 0; i < a.getChildCount(); i++) {
                ParseTree c = a.getChild(i);
                if (c instanceof TerminalNode && ((TerminalNode) c).getSymbol().getType() == NetPolicyLexer.SEMI) {
                    continue;
                }
                if (c instanceof TerminalNode && ((TerminalNode) c).getSymbol().getType() == NetPolicyLexer.ARROW) {
                    continue;
                }
                children.add(c);
            }
            return children;
        }

        @Override
        public Object visitIncludeItem(NetPolicyParser.IncludeItemContext ctx) {
            Value v = value(ctx.value());
            return v == null ? null : new Include(v);
        }

        @Override
        public Object visitSettingsItem(NetPolicyParser.SettingsItemContext ctx) {
            return block(Block.Kind.SETTINGS, ctx.SETTINGS().getSymbol(), null, ctx.block());
        }

        @Override
        public Object visitNetworkItem(NetPolicyParser.NetworkItemContext ctx) {
            return block(Block.Kind.NETWORK, ctx.NETWORK().getSymbol(), ctx.value(), ctx.block());
        }

        @Override
        public Object visitContainerItem(NetPolicyParser.ContainerItemContext ctx) {
            return block(Block.Kind.CONTAINER, ctx.CONTAINER().getSymbol(), ctx.value(), ctx.block());
        }

        @Override
        public Object visitNodeItem(NetPolicyParser.NodeItemContext ctx) {
            return block(Block.Kind.NODE, ctx.NODE().getSymbol(), ctx.value(), ctx.block());
        }

        @Override
        public Object visitDefineItem(NetPolicyParser.DefineItemContext ctx) {
            Value name = value(ctx.value());
            EndpointAst set = ctx.endpointSet() == null ? null : endpointSet(ctx.endpointSet());
            return name == null || set == null ? null : new Define(name, set);
        }

        @Override
        public Object visitRuleItem(NetPolicyParser.RuleItemContext ctx) {
            NetPolicyParser.PolicyRuleContext r = ctx.policyRule();
            if (r == null || r.exception != null || r.ruleBody() == null || r.ruleBody().exception != null) {
                return null;
            }
            NetPolicyParser.RuleBodyContext body = r.ruleBody();
            Value prefix = null;
            if (r.PREFIX() != null) {
                prefix = value(r.prefix);
                if (prefix == null) {
                    return null;
                }
            }
            String verdict = r.verdict() == null ? null : r.verdict().getStart().getText();
            EndpointAst from = endpoint(body.from);
            EndpointAst to = endpoint(body.to);
            if (from == null || to == null || body.ARROW() == null || body.ARROW().getSymbol().getTokenIndex() < 0) {
                return null;
            }
            List<Attr> options = new ArrayList<>();
            for (NetPolicyParser.RuleOptionContext o : body.ruleOption()) {
                if (o.exception != null || o.key == null) {
                    return null;
                }
                List<Value> values = new ArrayList<>();
                List<ValueContext> vs = o.valueList() != null ? o.valueList().value() : List.of(o.value());
                for (ValueContext v : vs) {
                    Value vv = value(v);
                    if (vv == null) {
                        return null;
                    }
                    values.add(vv);
                }
                options.add(new Attr(o.key.getText(), span(o.key), values, List.of()));
            }
            return new RuleDecl(r.LOG() != null, prefix, verdict, from, to, options, sourceText(r), span(r.getStart()));
        }

        /** The rule's tokens without its comment option, separated by single spaces (none before a comma). */
        private String sourceText(NetPolicyParser.PolicyRuleContext ctx) {
            StringBuilder b = new StringBuilder();
            appendTerminals(ctx, b);
            return b.toString();
        }

        private static void appendTerminals(ParseTree node, StringBuilder b) {
            if (node instanceof NetPolicyParser.RuleOptionContext o && o.key != null
                    && o.key.getType() == NetPolicyLexer.COMMENT_KW) {
                return;
            }
            if (node instanceof TerminalNode leaf) {
                Token t = leaf.getSymbol();
                if (t.getType() == Token.EOF) {
                    return;
                }
                if (b.length() > 0 && t.getType() != NetPolicyLexer.COMMA) {
                    b.append(' ');
                }
                b.append(t.getText());
                return;
            }
            for (int i = 0; i < node.getChildCount(); i++) {
                appendTerminals(node.getChild(i), b);
            }
        }

        private EndpointAst endpoint(NetPolicyParser.EndpointContext e) {
            if (e == null || e.exception != null) {
                return null;
            }
            if (e.endpointSet() != null) {
                return endpointSet(e.endpointSet());
            }
            Value v = value(e.value());
            if (v == null) {
                return null;
            }
            if (e.kind == null) {
                return new EndpointAst(EndpointAst.Kind.WORD, v, List.of(), v.span());
            }
            EndpointAst.Kind kind = e.kind.getType() == NetPolicyLexer.NETWORK ? EndpointAst.Kind.NETWORK
                    : EndpointAst.Kind.CONTAINER;
            return new EndpointAst(kind, v, List.of(), span(e.kind));
        }

        private EndpointAst endpointSet(NetPolicyParser.EndpointSetContext s) {
            if (s.exception != null || s.RBRACE() == null) {
                return null;
            }
            List<EndpointAst> members = new ArrayList<>();
            for (NetPolicyParser.EndpointContext e : s.endpoint()) {
                EndpointAst m = endpoint(e);
                if (m == null) {
                    return null;
                }
                members.add(m);
            }
            return new EndpointAst(EndpointAst.Kind.SET, null, members, span(s.getStart()));
        }

        @Override
        public Object visitUnknownItem(NetPolicyParser.UnknownItemContext ctx) {
            return new UnsupportedItem(span(ctx.getStart()), ctx.getStart().getText());
        }

        @Override
        public Object visitEmptyItem(NetPolicyParser.EmptyItemContext ctx) {
            return null;
        }
    }

    /** A statement the parser accepted only to report it precisely: an unknown word. */
    public record UnsupportedItem(SourceSpan span, String word) {}
}
