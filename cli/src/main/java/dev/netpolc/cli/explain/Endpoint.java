package dev.netpolc.cli.explain;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Driver;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.util.Locale;

/**
 * One end of the question, as written ({@code web}, {@code container:web}, {@code network:front},
 * {@code host}, {@code external}, an address) and then resolved to an address and, for senders,
 * where the packet enters the host.
 */
final class Endpoint {

    enum Kind { CONTAINER, NETWORK, ADDRESS, HOST, EXTERNAL }

    static final String EXTERNAL4 = "203.0.113.10";
    static final String EXTERNAL6 = "2001:db8:ffff::10";

    final Kind kind;
    final String name;
    final IpAddr literal;

    private Endpoint(Kind kind, String name, IpAddr literal) {
        this.kind = kind;
        this.name = name;
        this.literal = literal;
    }

    /** Parses an endpoint; {@code option} (--from or --to) names it in errors. */
    static Endpoint parse(String written, String option, Policy policy) {
        String w = written.strip();
        if (w.isEmpty()) {
            throw new ExplainException(option + ": empty endpoint; write a container name, container:NAME, network:NAME,"
                    + " host, external or an address");
        }
        IpAddr a = Addresses.parse(w);
        if (a != null) {
            return new Endpoint(Kind.ADDRESS, w, a);
        }
        String lower = w.toLowerCase(Locale.ROOT);
        if (lower.equals("host")) {
            return new Endpoint(Kind.HOST, "host", null);
        }
        if (lower.equals("external")) {
            return new Endpoint(Kind.EXTERNAL, "external", null);
        }
        String[] kv = w.split("[: ]+", 2);
        if (kv.length == 2 && (kv[0].equals("container") || kv[0].equals("network"))) {
            if (kv[0].equals("network")) {
                if (policy.network(kv[1]).isEmpty()) {
                    throw new ExplainException(option + ": no network named '" + kv[1] + "'" + hint(policy, kv[1]));
                }
                return new Endpoint(Kind.NETWORK, kv[1], null);
            }
            w = kv[1];
        }
        if (policy.container(w).isEmpty()) {
            throw new ExplainException(option + ": no container named '" + w + "'" + hint(policy, w));
        }
        return new Endpoint(Kind.CONTAINER, w, null);
    }

    private static String hint(Policy policy, String name) {
        if (policy.network(name).isPresent()) {
            return "; '" + name + "' is a network: write network:" + name;
        }
        var names = new java.util.ArrayList<String>();
        policy.containers().forEach(c -> names.add(c.name()));
        policy.networks().forEach(n -> names.add(n.name()));
        return dev.netpolc.compiler.diag.Suggest.closest(name, names).map(s -> "; did you mean '" + s + "'?").orElse("")
                + "; endpoints are a container name, container:NAME, network:NAME, host, external or an address";
    }

    /** How the endpoint reads in the output. */
    String label() {
        return switch (kind) {
            case CONTAINER -> "container " + name;
            case NETWORK -> "network " + name;
            case ADDRESS -> name;
            case HOST -> "host";
            case EXTERNAL -> "external";
        };
    }

    /** The container of a container endpoint. */
    Container container(Policy p) {
        return p.container(name).orElseThrow();
    }

    /** The bridge attachments of a container that have an address of the family. */
    static java.util.List<Attachment> bridgeAttachments(Container c, Policy p, Family f) {
        return c.attachments().stream().filter(at -> {
            Network n = p.network(at.network()).orElseThrow();
            return n.driver() == Driver.BRIDGE && address(at, f) != null;
        }).toList();
    }

    static IpAddr address(Attachment at, Family f) {
        return f == Family.IPV4 ? at.ipv4() : at.ipv6();
    }

    /** Whether the container shares the host's network stack (driver host). */
    static boolean onHostNetwork(Container c, Policy p) {
        return c.attachments().stream().anyMatch(at -> p.network(at.network()).orElseThrow().driver() == Driver.HOST);
    }
}
