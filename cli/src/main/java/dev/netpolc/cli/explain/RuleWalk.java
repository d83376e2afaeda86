package dev.netpolc.cli.explain;

/** The compiled rules of one target, evaluated hook by hook. */
interface RuleWalk {

    /** The outcome of a hook: ACCEPT, DROP or REJECT with the rule (or policy) that decided and its policy line. */
    record Outcome(String verdict, String rule, String origin) {}

    /** Sets the host and the trace the next questions use (the parsed rules are kept). */
    void bind(Topology topology, Trace trace);

    /**
     * Runs what the target attaches to a hook, named as iptables names it ({@code nat PREROUTING},
     * {@code filter FORWARD}...); a hook the target leaves empty accepts with a null rule.
     */
    Outcome hook(String table, String chain, Packet p);
}
