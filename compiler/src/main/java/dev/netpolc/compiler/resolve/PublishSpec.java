package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Protocol;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code publish [HOST-IP:]PORT[-END] -> PORT[-END][/PROTO]}; ranges of equal length map
 * port to port. Errors point at the exact part of the text that is wrong.
 */
record PublishSpec(Ip hostAddress, SourceSpan hostAddressSpan, int hostPort, int containerPort, int count,
        Protocol protocol) {

    /** Docker's {@code -p} form, recognised to suggest netpolc's; compiled only when a publish is wrong. */
    private static final String DOCKER_STYLE = "(?:(.+):)?([0-9-]+):([0-9-]+)(/[a-z]+)?";

    static PublishSpec parse(Diagnostics diags, Attr p) {
        Value host = p.values().get(0);
        if (p.values().size() < 2) {
            Matcher m = Pattern.compile(DOCKER_STYLE).matcher(host.text());
            Note help = m.matches()
                    ? Note.help("write 'publish " + (m.group(1) != null ? m.group(1) + ":" : "") + m.group(2) + " -> "
                            + m.group(3) + (m.group(4) != null ? m.group(4) : "") + "'")
                    : Note.help("write 'publish HOST-PORT -> CONTAINER-PORT', such as 'publish 8080 -> 80/tcp'");
            diags.report(DiagnosticCode.INVALID_PUBLISH, host.span(), "a publish needs a host part, '->' and a container part",
                    help);
            return null;
        }
        Value target = p.values().get(1);
        boolean ok = true;

        // host side: [ADDRESS:]PORTS, with IPv6 addresses in brackets
        String h = host.text();
        Ip address = null;
        SourceSpan addressSpan = null;
        int portsAt = 0;
        if (h.startsWith("[")) {
            int close = h.indexOf("]:");
            if (close < 0) {
                diags.report(DiagnosticCode.INVALID_PUBLISH, host.span(), "an IPv6 host address in brackets must be followed by ':PORT'",
                        Note.help("write '[::1]:8080 -> 80'"));
                return null;
            }
            addressSpan = host.span().sub(1, close - 1);
            address = parseHostAddress(diags, h.substring(1, close), addressSpan, true);
            ok &= address != null;
            portsAt = close + 2;
        } else if (h.indexOf(':') >= 0) {
            int colon = h.lastIndexOf(':');
            if (h.indexOf(':') != colon) {
                diags.report(DiagnosticCode.INVALID_PUBLISH, host.span(), "an IPv6 host address must be written in brackets",
                        Note.help("write '[" + h.substring(0, colon) + "]:" + h.substring(colon + 1) + "'"));
                return null;
            }
            addressSpan = host.span().sub(0, colon);
            address = parseHostAddress(diags, h.substring(0, colon), addressSpan, false);
            ok &= address != null;
            portsAt = colon + 1;
        }
        int[] hostPorts = ports(diags, h.substring(portsAt), host.span().sub(portsAt, h.length() - portsAt), "host");

        // container side: PORTS[/PROTO]
        String t = target.text();
        Protocol protocol = Protocol.TCP;
        int slash = t.indexOf('/');
        String tPorts = slash < 0 ? t : t.substring(0, slash);
        if (slash >= 0) {
            String proto = t.substring(slash + 1);
            protocol = null;
            for (Protocol candidate : Protocol.values()) {
                if (candidate.keyword().equals(proto)) {
                    protocol = candidate;
                }
            }
            if (protocol == null) {
                List<Note> notes = new ArrayList<>();
                Suggest.didYouMean(proto, List.of("tcp", "udp", "sctp")).ifPresent(notes::add);
                notes.add(Note.help("the protocol is tcp (the default), udp or sctp"));
                diags.add(new Diagnostic(DiagnosticCode.INVALID_VALUE, DiagnosticCode.INVALID_VALUE.defaultSeverity(),
                        target.span().sub(slash + 1, proto.length()), "unknown protocol '" + Names.printable(proto) + "'", notes));
                ok = false;
            }
        }
        int[] containerPorts = ports(diags, tPorts, target.span().sub(0, tPorts.length()), "container");
        if (!ok || hostPorts == null || containerPorts == null) {
            return null;
        }
        int hostCount = hostPorts[1] - hostPorts[0] + 1;
        int containerCount = containerPorts[1] - containerPorts[0] + 1;
        if (hostCount != containerCount) {
            diags.report(DiagnosticCode.PORT_RANGE_MISMATCH, target.span(), "host ports " + range(hostPorts)
                    + " and container ports " + range(containerPorts) + " are not the same length (" + hostCount
                    + " and " + containerCount + ")",
                    Note.note("Docker would pick one free host port of a range at run time; netpolc needs every mapping fixed"),
                    Note.help("map ranges of equal length, such as " + hostPorts[0] + "-" + (hostPorts[0] + containerCount - 1)
                            + " -> " + range(containerPorts)));
            return null;
        }
        return new PublishSpec(address, addressSpan, hostPorts[0], containerPorts[0], hostCount, protocol);
    }

    private static String range(int[] r) {
        return r[0] == r[1] ? String.valueOf(r[0]) : r[0] + "-" + r[1];
    }

    private static Ip parseHostAddress(Diagnostics diags, String text, SourceSpan span, boolean bracketed) {
        Addresses.Parsed a = Addresses.address(text);
        if (!a.ok()) {
            diags.report(DiagnosticCode.INVALID_ADDRESS, span, "invalid host address: " + a.error(),
                    Note.help("write an address such as 127.0.0.1 or [::1] before the port"));
            return null;
        }
        if (a.address().isIPv6() && !bracketed) {
            diags.report(DiagnosticCode.INVALID_PUBLISH, span, "an IPv6 host address must be written in brackets",
                    Note.help("write '[" + text + "]:PORT'"));
            return null;
        }
        return a.address();
    }

    /** {@code [first, last]}, or null when reported as wrong. */
    private static int[] ports(Diagnostics diags, String text, SourceSpan span, String side) {
        // PORT or PORT-PORT, each of 1 to 10 digits; read by a loop rather than a regular
        // expression, because this runs for every published port, mostly in the interpreter.
        int dash = text.indexOf('-');
        int firstEnd = dash < 0 ? text.length() : dash;
        if (!digits(text, 0, firstEnd) || (dash >= 0 && !digits(text, dash + 1, text.length()))) {
            diags.report(DiagnosticCode.INVALID_PUBLISH, span, "'" + Names.printable(text) + "' is not a " + side
                    + " port or port range", Note.help("write a port such as 8080, or a range such as 9000-9009"));
            return null;
        }
        long first = Long.parseLong(text, 0, firstEnd, 10);
        long last = dash < 0 ? first : Long.parseLong(text, dash + 1, text.length(), 10);
        for (long port : new long[] {first, last}) {
            if (port < 1 || port > 65535) {
                diags.report(DiagnosticCode.PORT_OUT_OF_RANGE, span, side + " port " + port + " is outside 1-65535",
                        Note.help("use a port from 1 to 65535"));
                return null;
            }
        }
        if (last < first) {
            diags.report(DiagnosticCode.PORT_OUT_OF_RANGE, span, side + " port range " + first + "-" + last + " runs backwards",
                    Note.help("write the lower port first: " + last + "-" + first));
            return null;
        }
        return new int[] {(int) first, (int) last};
    }

    /** Whether {@code s[from, to)} is 1 to 10 ASCII digits. */
    private static boolean digits(String s, int from, int to) {
        if (to - from < 1 || to - from > 10) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
