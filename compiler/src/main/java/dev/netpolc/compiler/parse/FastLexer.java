package dev.netpolc.compiler.parse;

import dev.netpolc.grammar.NetPolicyParser;
import java.util.HashMap;
import java.util.Map;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenFactory;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.misc.Pair;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * A hand-written lexer for the fast path of {@link PolicyParser}: it yields exactly the tokens the
 * grammar's lexer ({@code NetPolicyLexer}) yields for a file without lexical errors (same type,
 * text, line, column, channel and code-point start and stop index, and the same end-of-file
 * token), and is verified against that lexer by {@code FastLexerTest}. It exists for start-up
 * speed only: in a fresh JVM the generated lexer (the deserialisation of its automaton, then its
 * simulator, interpreted until the JIT gets to it) took about 40 ms to lex a 10 KB policy, this
 * class 5-10 ms, class loading included.
 *
 * <p>Any doubt falls back to ANTLR: wherever the grammar's lexer would yield UNEXPECTED_CHAR or
 * UNTERMINATED_STRING, and at a lone surrogate (which a decoded file never holds), this throws
 * {@link ParseCancellationException}, as the fast path does at any syntax error, and the file is
 * lexed and parsed again by the full path, with the grammar's lexer, which reports the errors.
 * So it can cost time, never change a result. It does not provide a {@link CharStream}: its
 * tokens carry their text.
 */
final class FastLexer implements TokenSource {

    /**
     * Keyword text to token type: the grammar's literal names, written out here because reading
     * them from the generated classes would initialise those classes, whose automata the fast path
     * exists to avoid. {@code FastLexerTest} checks this table against the grammar's vocabulary.
     */
    private static final Map<String, Integer> KEYWORDS = new HashMap<>(128);

    /** The word characters of the grammar, {@code [A-Za-z0-9_.:/[\]]}, by ASCII code. */
    private static final boolean[] WORD_CHAR = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            WORD_CHAR[c] = true;
            WORD_CHAR[c - 'a' + 'A'] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            WORD_CHAR[c] = true;
        }
        for (char c : new char[] {'_', '.', ':', '/', '[', ']'}) {
            WORD_CHAR[c] = true;
        }
        keyword("include", NetPolicyParser.INCLUDE);
        keyword("settings", NetPolicyParser.SETTINGS);
        keyword("network", NetPolicyParser.NETWORK);
        keyword("container", NetPolicyParser.CONTAINER);
        keyword("node", NetPolicyParser.NODE);
        keyword("allow", NetPolicyParser.ALLOW);
        keyword("deny", NetPolicyParser.DENY);
        keyword("reject", NetPolicyParser.REJECT);
        keyword("log", NetPolicyParser.LOG);
        keyword("define", NetPolicyParser.DEFINE);
        keyword("port", NetPolicyParser.PORT);
        keyword("proto", NetPolicyParser.PROTO);
        keyword("icmp-type", NetPolicyParser.ICMP_TYPE);
        keyword("comment", NetPolicyParser.COMMENT_KW);
        keyword("prefix", NetPolicyParser.PREFIX);
        keyword("driver", NetPolicyParser.DRIVER);
        keyword("subnet", NetPolicyParser.SUBNET);
        keyword("ip-range", NetPolicyParser.IP_RANGE);
        keyword("gateway", NetPolicyParser.GATEWAY);
        keyword("bridge-name", NetPolicyParser.BRIDGE_NAME);
        keyword("mtu", NetPolicyParser.MTU);
        keyword("icc", NetPolicyParser.ICC);
        keyword("masquerade", NetPolicyParser.MASQUERADE);
        keyword("snat-source", NetPolicyParser.SNAT_SOURCE);
        keyword("internal", NetPolicyParser.INTERNAL);
        keyword("host-binding", NetPolicyParser.HOST_BINDING);
        keyword("parent", NetPolicyParser.PARENT);
        keyword("mode", NetPolicyParser.MODE);
        keyword("vlan", NetPolicyParser.VLAN);
        keyword("vxlan-id", NetPolicyParser.VXLAN_ID);
        keyword("underlay", NetPolicyParser.UNDERLAY);
        keyword("peers", NetPolicyParser.PEERS);
        keyword("attach", NetPolicyParser.ATTACH);
        keyword("ip", NetPolicyParser.IP);
        keyword("ip6", NetPolicyParser.IP6);
        keyword("mac", NetPolicyParser.MAC);
        keyword("publish", NetPolicyParser.PUBLISH);
        keyword("netns", NetPolicyParser.NETNS);
        keyword("address", NetPolicyParser.ADDRESS);
        keyword("userland-proxy", NetPolicyParser.USERLAND_PROXY);
        keyword("chain-prefix", NetPolicyParser.CHAIN_PREFIX);
        keyword("forward-policy", NetPolicyParser.FORWARD_POLICY);
        keyword("nft-table", NetPolicyParser.NFT_TABLE);
        keyword("uplink", NetPolicyParser.UPLINK);
        keyword("uplink-mtu", NetPolicyParser.UPLINK_MTU);
        keyword("layout", NetPolicyParser.LAYOUT);
        keyword("on", NetPolicyParser.ON);
        keyword("off", NetPolicyParser.OFF);
    }

    private static void keyword(String text, int type) {
        KEYWORDS.put(text, type);
    }

    /** The keywords this lexer knows, text to token type (for the test against the grammar). */
    static Map<String, Integer> keywords() {
        return Map.copyOf(KEYWORDS);
    }

    private final String text;
    private final String sourceName;
    private final Pair<TokenSource, CharStream> source;
    /** The next char to read (a UTF-16 index into text). */
    private int pos;
    /** The next code point to read (an index as the grammar's lexer counts). */
    private int index;
    private int line;
    private int column;

    /** Lexes {@code text}, whose first line is line {@code firstLine} of its file. */
    FastLexer(String text, String sourceName, int firstLine) {
        this.text = text;
        this.sourceName = sourceName;
        this.source = new Pair<>(this, null);
        this.line = firstLine;
    }

    @Override
    public Token nextToken() {
        String s = text;
        int n = s.length();
        while (pos < n) {
            char c = s.charAt(pos);
            switch (c) {
                case ' ', '\t', '\r', '\f' -> {
                    pos++;
                    index++;
                    column++;
                }
                case '\n' -> {
                    pos++;
                    index++;
                    line++;
                    column = 0;
                }
                case '#' -> skipComment();
                case '{' -> {
                    return single(NetPolicyParser.LBRACE, "{");
                }
                case '}' -> {
                    return single(NetPolicyParser.RBRACE, "}");
                }
                case ';' -> {
                    return single(NetPolicyParser.SEMI, ";");
                }
                case ',' -> {
                    return single(NetPolicyParser.COMMA, ",");
                }
                case '=' -> {
                    return single(NetPolicyParser.EQUALS, "=");
                }
                case '-' -> {
                    if (pos + 1 < n && s.charAt(pos + 1) == '>') {
                        return token(NetPolicyParser.ARROW, pos + 2, 2, "->");
                    }
                    throw new ParseCancellationException("unexpected character");
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (c < 128 && WORD_CHAR[c]) {
                        return word();
                    }
                    throw new ParseCancellationException("unexpected character");
                }
            }
        }
        CommonToken eof = new CommonToken(source, Token.EOF, Token.DEFAULT_CHANNEL, index, index - 1);
        eof.setLine(line);
        eof.setCharPositionInLine(column);
        eof.setText("<EOF>");
        return eof;
    }

    /** {@code #} up to the end of the line ({@code \r} or {@code \n}, not included). */
    private void skipComment() {
        String s = text;
        int n = s.length();
        int p = pos + 1;
        int cps = 1;
        while (p < n) {
            char c = s.charAt(p);
            if (c == '\n' || c == '\r') {
                break;
            }
            p += Character.isSurrogate(c) ? pair(p) : 1;
            cps++;
        }
        pos = p;
        index += cps;
        column += cps;
    }

    /** A STRING: {@code "} ( any but {@code " \ \r \n} | {@code \"} | {@code \\} )* {@code "}. */
    private Token string() {
        String s = text;
        int n = s.length();
        int p = pos + 1;
        int cps = 1;
        while (true) {
            if (p >= n) {
                throw new ParseCancellationException("unterminated string");
            }
            char c = s.charAt(p);
            if (c == '"') {
                break;
            } else if (c == '\\') {
                char next = p + 1 < n ? s.charAt(p + 1) : 0;
                if (next != '"' && next != '\\') {
                    throw new ParseCancellationException("unterminated string");
                }
                p += 2;
                cps += 2;
            } else if (c == '\n' || c == '\r') {
                throw new ParseCancellationException("unterminated string");
            } else {
                p += Character.isSurrogate(c) ? pair(p) : 1;
                cps++;
            }
        }
        p++;
        cps++;
        return token(NetPolicyParser.STRING, p, cps, s.substring(pos, p));
    }

    /** A WORD, or the keyword it spells: WORD_CHAR+ ('-' WORD_CHAR+)*, as long as it goes. */
    private Token word() {
        String s = text;
        int n = s.length();
        int p = pos + 1;
        while (true) {
            while (p < n) {
                char c = s.charAt(p);
                if (c >= 128 || !WORD_CHAR[c]) {
                    break;
                }
                p++;
            }
            if (p + 1 < n && s.charAt(p) == '-') {
                char c = s.charAt(p + 1);
                if (c < 128 && WORD_CHAR[c]) {
                    p += 2;
                    continue;
                }
            }
            break;
        }
        String word = s.substring(pos, p);
        Integer keyword = KEYWORDS.get(word);
        return token(keyword == null ? NetPolicyParser.WORD : keyword, p, p - pos, word);
    }

    /** The length of the surrogate pair at {@code p} (2); a lone surrogate is not handled here. */
    private int pair(int p) {
        String s = text;
        if (Character.isHighSurrogate(s.charAt(p)) && p + 1 < s.length() && Character.isLowSurrogate(s.charAt(p + 1))) {
            return 2;
        }
        throw new ParseCancellationException("lone surrogate");
    }

    private Token single(int type, String tokenText) {
        return token(type, pos + 1, 1, tokenText);
    }

    /** The token from pos to {@code end} (chars), {@code cps} code points long; moves past it. */
    private Token token(int type, int end, int cps, String tokenText) {
        CommonToken t = new CommonToken(source, type, Token.DEFAULT_CHANNEL, index, index + cps - 1);
        t.setLine(line);
        t.setCharPositionInLine(column);
        t.setText(tokenText);
        pos = end;
        index += cps;
        column += cps;
        return t;
    }

    @Override
    public int getLine() {
        return line;
    }

    @Override
    public int getCharPositionInLine() {
        return column;
    }

    /** None: the tokens carry their text. */
    @Override
    public CharStream getInputStream() {
        return null;
    }

    @Override
    public String getSourceName() {
        return sourceName;
    }

    @Override
    public void setTokenFactory(TokenFactory<?> factory) {
        throw new UnsupportedOperationException("the fast lexer makes its own tokens");
    }

    @Override
    public TokenFactory<?> getTokenFactory() {
        return CommonTokenFactory.DEFAULT;
    }
}
