package dev.netpolc.ir;

/** The policy of the built-in FORWARD chain. */
public enum ForwardPolicy {
    DROP,
    ACCEPT
}
