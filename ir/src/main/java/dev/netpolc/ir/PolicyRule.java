package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/**
 * A resolved policy rule. Rules are kept in source order (includes expanded in place); the first
 * whose endpoints and services match a new connection decides it, except {@code log}, which only
 * logs and goes on.
 *
 * @param number    the rule's position among the policy's rules, from 1
 * @param action    what it does
 * @param log       whether a match is logged first (a {@code log} rule, or {@code log deny ...})
 * @param logPrefix the kernel log prefix, or null when the rule does not log
 * @param hook      forwarded traffic, traffic to the host, or traffic from the host
 * @param services  the protocols and ports it is about; empty for every protocol
 * @param comment   the rule's comment as written, or null
 * @param text      the rule as written, whitespace collapsed, for comments and messages
 * @param span      where the rule starts
 */
public record PolicyRule(int number, RuleAction action, boolean log, String logPrefix, RuleHook hook, RuleEndpoint from,
        RuleEndpoint to, List<RuleService> services, String comment, String text, SourceSpan span) {

    public PolicyRule {
        Objects.requireNonNull(action);
        Objects.requireNonNull(hook);
        Objects.requireNonNull(from);
        Objects.requireNonNull(to);
        Objects.requireNonNull(text);
        Objects.requireNonNull(span);
        services = List.copyOf(services);
    }

    /** Whether the rule has anything to match in the family. */
    public boolean applies(Family family) {
        return from.covers(family) && to.covers(family);
    }
}
