package dev.netpolc.ir;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A resolved policy: every address allocated, every interface named. Networks and containers are
 * in declaration order (includes expanded in place), which is the order every backend keeps.
 *
 * @param files the policy files that were read, the main file first
 * @param nodes the hosts of a multi-host policy, in declaration order; empty for a single host
 * @param rules the policy rules, in source order
 */
public record Policy(List<String> files, HostSettings settings, List<Network> networks, List<Container> containers,
        List<Node> nodes, List<PolicyRule> rules) {

    public Policy {
        Objects.requireNonNull(settings);
        files = List.copyOf(files);
        networks = List.copyOf(networks);
        containers = List.copyOf(containers);
        nodes = List.copyOf(nodes);
        rules = List.copyOf(rules);
    }

    /** A policy without rules. */
    public Policy(List<String> files, HostSettings settings, List<Network> networks, List<Container> containers,
            List<Node> nodes) {
        this(files, settings, networks, containers, nodes, List.of());
    }

    /** A policy for a single host, without nodes. */
    public Policy(List<String> files, HostSettings settings, List<Network> networks, List<Container> containers) {
        this(files, settings, networks, containers, List.of(), List.of());
    }

    /** The networks by name, in declaration order. */
    public Map<String, Network> networksByName() {
        Map<String, Network> byName = new LinkedHashMap<>();
        for (Network n : networks) {
            byName.put(n.name(), n);
        }
        return byName;
    }

    public Optional<Network> network(String name) {
        return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Optional<Container> container(String name) {
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<Node> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }
}
