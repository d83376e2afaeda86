package dev.netpolc.ir;

import java.util.Locale;

/** What a policy rule does with a connection it matches. */
public enum RuleAction {
    /** Accept: the connection passes, whatever isolation or icc would say. */
    ALLOW,
    /** Drop silently. */
    DENY,
    /** Refuse: a TCP reset for TCP, an ICMP port-unreachable otherwise. */
    REJECT,
    /** Only log, then go on to the next rule. */
    LOG;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a match ends the walk through the rules. */
    public boolean terminal() {
        return this != LOG;
    }
}
