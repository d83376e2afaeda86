package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/**
 * One side of a policy rule, resolved to what the kernel can match.
 *
 * @param text     the endpoint as written, for comments and messages
 * @param any      every address (nothing to match)
 * @param host     the host itself; never combined with other members
 * @param external anything that is not behind one of the policy's bridges
 * @param cidrs    the addresses and subnets of the named containers, networks, sets and CIDRs, in
 *                 first-mention order without repeats, both families
 * @param span     where the endpoint is written
 */
public record RuleEndpoint(String text, boolean any, boolean host, boolean external, List<Cidr> cidrs, SourceSpan span) {

    public RuleEndpoint {
        Objects.requireNonNull(text);
        Objects.requireNonNull(span);
        cidrs = CidrList.of(cidrs);
    }

    /** The addresses of one family, in the order of {@link #cidrs()}. */
    public List<Cidr> cidrs(Family family) {
        return ((CidrList) cidrs).family(family);
    }

    /** Whether the endpoint can match traffic of the family at all. */
    public boolean covers(Family family) {
        return any || host || external || !cidrs(family).isEmpty();
    }
}
