package dev.netpolc.compiler.parse;

import dev.netpolc.grammar.NetPolicyLexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Describes tokens and sets of expected tokens in words a person reads easily. */
final class TokenWords {

    private static final Vocabulary VOCABULARY = NetPolicyLexer.VOCABULARY;

    private static final Set<Integer> STATEMENT_STARTS = Set.of(
            NetPolicyLexer.INCLUDE, NetPolicyLexer.SETTINGS, NetPolicyLexer.NETWORK, NetPolicyLexer.CONTAINER,
            NetPolicyLexer.NODE, NetPolicyLexer.ALLOW, NetPolicyLexer.DENY, NetPolicyLexer.REJECT, NetPolicyLexer.LOG,
            NetPolicyLexer.DEFINE);

    private static final Set<Integer> ATTRIBUTE_STARTS = Set.of(
            NetPolicyLexer.DRIVER, NetPolicyLexer.SUBNET, NetPolicyLexer.IP_RANGE, NetPolicyLexer.GATEWAY,
            NetPolicyLexer.BRIDGE_NAME, NetPolicyLexer.MTU, NetPolicyLexer.ICC, NetPolicyLexer.MASQUERADE,
            NetPolicyLexer.SNAT_SOURCE, NetPolicyLexer.INTERNAL, NetPolicyLexer.HOST_BINDING,
            NetPolicyLexer.PARENT, NetPolicyLexer.MODE, NetPolicyLexer.VLAN, NetPolicyLexer.VXLAN_ID,
            NetPolicyLexer.UNDERLAY, NetPolicyLexer.PEERS, NetPolicyLexer.ATTACH, NetPolicyLexer.PUBLISH,
            NetPolicyLexer.NETNS, NetPolicyLexer.USERLAND_PROXY, NetPolicyLexer.CHAIN_PREFIX,
            NetPolicyLexer.FORWARD_POLICY, NetPolicyLexer.UPLINK, NetPolicyLexer.NFT_TABLE,
            NetPolicyLexer.UPLINK_MTU, NetPolicyLexer.LAYOUT, NetPolicyLexer.NODE, NetPolicyLexer.ADDRESS);

    private TokenWords() {}

    /** The token as it appears in a message: {@code 'subnet'}, {@code end of file}. */
    static String describe(Token t) {
        if (t.getType() == Token.EOF) {
            return "end of file";
        }
        String text = t.getText();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        return "'" + text + "'";
    }

    /** A set of expected tokens in words: "a value", "an attribute or '}'", ... */
    static String describe(IntervalSet expected) {
        List<Integer> types = expected.toList();
        List<String> words = new ArrayList<>();
        if (types.contains(NetPolicyLexer.ON) && types.contains(NetPolicyLexer.OFF)) {
            return "'on' or 'off'";
        }
        boolean statements = types.contains(NetPolicyLexer.NETWORK);
        boolean attributes = types.contains(NetPolicyLexer.DRIVER);
        if (statements) {
            words.add("a statement (network, container, node, settings, include, define) or a rule (allow, deny, reject, log)");
        }
        if (attributes) {
            words.add("an attribute");
        }
        for (int type : types) {
            if (statements && (STATEMENT_STARTS.contains(type) || type == NetPolicyLexer.WORD)) {
                continue;
            }
            if (attributes && (ATTRIBUTE_STARTS.contains(type) || type == NetPolicyLexer.WORD)) {
                continue;
            }
            String word = describeType(type);
            if (!words.contains(word)) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return "something else";
        }
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
    }

    private static String describeType(int type) {
        switch (type) {
            case Token.EOF:
                return "end of file";
            case NetPolicyLexer.WORD:
                return "a value";
            case NetPolicyLexer.STRING:
                return "a quoted string";
            case NetPolicyLexer.ON:
            case NetPolicyLexer.OFF:
                return "'on' or 'off'";
            default:
                String literal = VOCABULARY.getLiteralName(type);
                return literal != null ? literal : VOCABULARY.getDisplayName(type);
        }
    }
}
