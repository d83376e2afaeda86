package dev.netpolc.backend;

import dev.netpolc.ir.SourceSpan;

/**
 * Comments that trace generated rules to the policy. They carry only characters every target
 * prints and parses back unchanged (no quotes, backslashes or control characters), and are cut to
 * the target's limit: 255 bytes for iptables' comment match, 128 for nftables.
 */
public final class Comments {

    public static final int IPTABLES_MAX = 255;
    public static final int NFTABLES_MAX = 128;

    private Comments() {}

    /** "policies/web.net:12 network frontend" for a statement at a source position. */
    public static String at(SourceSpan span, String statement) {
        return span.isBuiltin() ? statement : span.file() + ":" + span.line() + " " + statement;
    }

    /** The comment made safe for every target and cut to {@code max} characters. */
    public static String safe(String comment, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < comment.length() && b.length() < max; i++) {
            char c = comment.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || " ._:/@,=+>-[]()".indexOf(c) >= 0;
            b.append(ok ? c : '_');
        }
        return b.toString().strip();
    }
}
