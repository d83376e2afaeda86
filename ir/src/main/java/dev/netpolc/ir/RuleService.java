package dev.netpolc.ir;

import java.util.Objects;

/**
 * What traffic a rule is about, beyond its endpoints: a transport protocol with a port range, or
 * ICMP with an optional type. A rule with no services matches every protocol.
 *
 * @param protocol {@code tcp}, {@code udp}, {@code sctp} or {@code icmp} (ICMPv6 for IPv6)
 * @param low      the first destination port, 0 for every port (and for ICMP)
 * @param high     the last destination port, 0 for every port
 * @param icmpType the ICMP type's name, or null for every type (ICMP only)
 */
public record RuleService(String protocol, int low, int high, IcmpType icmpType) {

    public RuleService {
        Objects.requireNonNull(protocol);
    }

    /** The services grouped by protocol, protocols in first-mention order: one match per protocol in the backends. */
    public static java.util.Map<String, java.util.List<RuleService>> byProtocol(java.util.List<RuleService> services) {
        java.util.Map<String, java.util.List<RuleService>> out = new java.util.LinkedHashMap<>();
        for (RuleService s : services) {
            out.computeIfAbsent(s.protocol(), k -> new java.util.ArrayList<>()).add(s);
        }
        return out;
    }

    public boolean icmp() {
        return protocol.equals("icmp");
    }

    public boolean allPorts() {
        return low == 0;
    }

    /** "5432/tcp", "8000-8100/udp", "tcp", "icmp echo-request". */
    @Override
    public String toString() {
        if (icmp()) {
            return icmpType == null ? "icmp" : "icmp " + icmpType.keyword();
        }
        if (allPorts()) {
            return protocol;
        }
        return (low == high ? Integer.toString(low) : low + "-" + high) + "/" + protocol;
    }

    /** The ICMP types a rule can name, with their numbers in ICMP and ICMPv6. */
    public enum IcmpType {
        ECHO_REQUEST("echo-request", 8, 128),
        ECHO_REPLY("echo-reply", 0, 129),
        DESTINATION_UNREACHABLE("destination-unreachable", 3, 1),
        TIME_EXCEEDED("time-exceeded", 11, 3);

        private final String keyword;
        private final int v4;
        private final int v6;

        IcmpType(String keyword, int v4, int v6) {
            this.keyword = keyword;
            this.v4 = v4;
            this.v6 = v6;
        }

        public String keyword() {
            return keyword;
        }

        public int number(Family family) {
            return family == Family.IPV4 ? v4 : v6;
        }

        public static IcmpType of(String keyword) {
            for (IcmpType t : values()) {
                if (t.keyword.equals(keyword)) {
                    return t;
                }
            }
            return null;
        }
    }
}
