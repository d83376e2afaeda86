package dev.netpolc.ir;

/** Where in the host a rule filters: traffic the host forwards, receives or sends. */
public enum RuleHook {
    /** Traffic between containers, and between containers and the outside, routed by the host. */
    FORWARD,
    /** Traffic to the host itself (the rule's destination is {@code host}). */
    INPUT,
    /** Traffic the host itself sends (the rule's source is {@code host}). */
    OUTPUT
}
