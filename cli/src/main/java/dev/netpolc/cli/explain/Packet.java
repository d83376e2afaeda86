package dev.netpolc.cli.explain;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The packet explain follows, as the firewall sees it at one hook: addresses, protocol, ports or
 * ICMP type, input and output interface (null where the hook has none), conntrack states, and
 * whether the source and destination are addresses of the host.
 */
final class Packet {

    final Family family;
    IpAddr source;
    IpAddr destination;
    /** "tcp", "udp", "sctp", "icmp" or "ipv6-icmp". */
    final String protocol;
    final int sourcePort;
    int destinationPort;
    /** The ICMP type (ICMP packets only), else -1. */
    final int icmpType;
    String in;
    String out;
    /** NEW for the first packet of a connection; DNAT and SNAT are added when NAT rewrote it. */
    final Set<String> ctstates = new LinkedHashSet<>();
    /** Whether conntrack tracks the packet: the nat table sees only the first packet of tracked connections. */
    final boolean tracked;
    /** The addresses and destination port as sent, before any NAT: conntrack's original direction. */
    final IpAddr originalSource;
    final IpAddr originalDestination;
    final int originalDestinationPort;

    Packet(Family family, IpAddr source, IpAddr destination, String protocol, int sourcePort, int destinationPort, int icmpType,
            boolean tracked) {
        this.family = family;
        this.source = source;
        this.destination = destination;
        this.protocol = protocol;
        this.sourcePort = sourcePort;
        this.destinationPort = destinationPort;
        this.icmpType = icmpType;
        this.tracked = tracked;
        this.originalSource = source;
        this.originalDestination = destination;
        this.originalDestinationPort = destinationPort;
        ctstates.add(tracked ? "NEW" : "INVALID");
    }

    boolean hasPorts() {
        return protocol.equals("tcp") || protocol.equals("udp") || protocol.equals("sctp");
    }

    /** "tcp 10.0.0.2:49152 -> 10.0.1.3:5432" or "icmp 10.0.0.2 -> 10.0.1.3 type 8". */
    String describe() {
        if (hasPorts()) {
            return protocol + " " + source.withPort(sourcePort) + " -> " + destination.withPort(destinationPort);
        }
        return protocol + " " + source + " -> " + destination + " type " + icmpType;
    }
}
