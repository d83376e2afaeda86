package dev.netpolc.cli.explain;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * The host as the packet model sees it, for one family: its bridges (bridge networks with a subnet
 * of the family), its own addresses (the bridges' gateways, the address given with
 * --host-address, loopback) and its uplink. Routing: a destination that is a host address is
 * delivered locally; one in a bridge's subnet leaves through that bridge; anything else through
 * the uplink.
 */
final class Topology {

    /** Where the placeholder uplink address comes from when --host-address was not given: TEST-NET-1 / documentation prefix. */
    static final String PLACEHOLDER4 = "192.0.2.1";
    static final String PLACEHOLDER6 = "2001:db8::1";

    final Policy policy;
    final Family family;
    final List<Network> bridges = new ArrayList<>();
    final String uplink;
    /** The host's address on the uplink: --host-address, or the documented placeholder. */
    final IpAddr uplinkAddress;
    final boolean uplinkAddressGiven;

    /** Where routing sends a destination. */
    record Route(String kind, String device, Network network, String why) {
        static final String LOCAL = "local";
        static final String BRIDGE = "bridge";
        static final String UPLINK = "uplink";
    }

    Topology(Policy policy, Family family, IpAddr hostAddress) {
        this.policy = policy;
        this.family = family;
        for (Network n : policy.networks()) {
            if (n.isBridge() && n.subnet(family).isPresent()) {
                bridges.add(n);
            }
        }
        this.uplink = policy.settings().uplinks().isEmpty() ? "eth0" : policy.settings().uplinks().get(0);
        this.uplinkAddressGiven = hostAddress != null;
        this.uplinkAddress = hostAddress != null ? hostAddress
                : new IpAddr(family, family == Family.IPV4 ? PLACEHOLDER4 : PLACEHOLDER6);
    }

    boolean isLocal(IpAddr a) {
        if (a.family() != family) {
            return false;
        }
        if (a.equals(uplinkAddress) || Addresses.in(a, family == Family.IPV4 ? "127.0.0.0/8" : "::1/128")) {
            return true;
        }
        return bridges.stream().anyMatch(n -> n.subnet(family).get().gateway().equals(a));
    }

    /** The bridge network whose subnet holds the address, or null. */
    Network bridgeOf(IpAddr a) {
        for (Network n : bridges) {
            if (Addresses.in(a, n.subnet(family).get().cidr().toString())) {
                return n;
            }
        }
        return null;
    }

    /** Whether the address is in any subnet of the policy (any network, any driver). */
    boolean inAnySubnet(IpAddr a) {
        for (Network n : policy.networks()) {
            if (n.subnet(family).isPresent() && Addresses.in(a, n.subnet(family).get().cidr().toString())) {
                return true;
            }
        }
        return false;
    }

    /** Whether the policy names the address: a SNAT source, a host binding, a published port's host address. */
    boolean named(IpAddr a) {
        for (Network n : policy.networks()) {
            if (a.equals(n.snatSource()) || a.equals(n.hostBinding())) {
                return true;
            }
        }
        return policy.containers().stream().flatMap(c -> c.published().stream()).anyMatch(p -> a.equals(p.hostAddress()));
    }

    Route route(IpAddr destination) {
        if (isLocal(destination)) {
            boolean loopback = Addresses.in(destination, family == Family.IPV4 ? "127.0.0.0/8" : "::1/128");
            return new Route(Route.LOCAL, loopback ? "lo" : null, null, destination + " is an address of the host: delivered locally");
        }
        Network n = bridgeOf(destination);
        if (n != null) {
            return new Route(Route.BRIDGE, n.bridgeName(), n, destination + " is in network " + n.name() + "'s subnet "
                    + n.subnet(family).get().cidr() + ": out " + n.bridgeName());
        }
        return new Route(Route.UPLINK, uplink, null, destination + " is behind no bridge: out the uplink " + uplink);
    }

    /** The address MASQUERADE gives a packet leaving through {@code device}. */
    IpAddr masqueradeAddress(String device) {
        for (Network n : bridges) {
            if (n.bridgeName().equals(device)) {
                return n.subnet(family).get().gateway();
            }
        }
        return uplinkAddress;
    }

    /** The first address of a network's subnet that is neither the network address nor the gateway. */
    static IpAddr firstUsable(Network n, Family f) {
        var s = n.subnet(f).orElseThrow();
        var base = Addresses.value(s.cidr().address());
        for (int i = 1; i < 4; i++) {
            IpAddr a = Addresses.of(f, base.add(java.math.BigInteger.valueOf(i)));
            if (!a.equals(s.gateway())) {
                return a;
            }
        }
        throw new IllegalStateException("no usable address in " + s.cidr());
    }
}
