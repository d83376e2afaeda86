package dev.netpolc.cli.explain;

import java.util.Map;

/** ICMP and ICMPv6 type names as iptables writes them. */
final class IcmpTypes {

    static final int ECHO_REQUEST = 8;
    static final int ECHO_REQUEST6 = 128;
    static final int NEIGHBOUR_SOLICITATION = 135;

    private static final Map<String, Integer> V4 = Map.of("any", -1, "echo-reply", 0, "destination-unreachable", 3,
            "echo-request", 8, "time-exceeded", 11, "parameter-problem", 12, "redirect", 5);
    private static final Map<String, Integer> V6 = Map.ofEntries(Map.entry("any", -1),
            Map.entry("destination-unreachable", 1), Map.entry("packet-too-big", 2), Map.entry("time-exceeded", 3),
            Map.entry("parameter-problem", 4), Map.entry("echo-request", 128), Map.entry("echo-reply", 129),
            Map.entry("router-solicitation", 133), Map.entry("router-advertisement", 134),
            Map.entry("neighbour-solicitation", 135), Map.entry("neighbour-advertisement", 136));

    private IcmpTypes() {}

    /** The type a name or number ("8", "8/0") stands for, -1 for any, or -2 when unknown. */
    static int type(boolean v4, String written) {
        String w = written.contains("/") ? written.substring(0, written.indexOf('/')) : written;
        if (w.matches("[0-9]{1,3}")) {
            int n = Integer.parseInt(w);
            return n <= 255 ? n : -2;
        }
        Integer t = (v4 ? V4 : V6).get(w);
        return t == null ? -2 : t;
    }
}
