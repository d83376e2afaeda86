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
 */
public record Container(
        String name,
        String netns,
        List<Attachment> attachments,
        String gatewayNetwork,
        List<PublishedPort> published,
        SourceSpan span) {

    public Container {
        Objects.requireNonNull(name);
        Objects.requireNonNull(netns);
        Objects.requireNonNull(span);
        attachments = List.copyOf(attachments);
        published = List.copyOf(published);
    }
}
