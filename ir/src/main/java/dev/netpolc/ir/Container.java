package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/**
 * A resolved container.
 *
 * @param netns           the network namespace it lives in
 * @param gatewayNetwork  the network its default route and published ports go through, or null
 *                        when it has none (only internal or address-less networks)
 * @param published       its published ports, one entry per port and family, in declaration order
 * @param node            the node (host) it runs on in a multi-host policy, or null in a single-host policy
 */
public record Container(
        String name,
        String netns,
        List<Attachment> attachments,
        String gatewayNetwork,
        List<PublishedPort> published,
        SourceSpan span,
        String node) {

    public Container {
        Objects.requireNonNull(name);
        Objects.requireNonNull(netns);
        Objects.requireNonNull(span);
        attachments = List.copyOf(attachments);
        published = List.copyOf(published);
    }

    /** A container of a single-host policy, on no particular node. */
    public Container(String name, String netns, List<Attachment> attachments, String gatewayNetwork,
            List<PublishedPort> published, SourceSpan span) {
        this(name, netns, attachments, gatewayNetwork, published, span, null);
    }
}
