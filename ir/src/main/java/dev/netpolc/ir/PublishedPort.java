package dev.netpolc.ir;

import java.util.Objects;

/**
 * One published port of one family, after ranges were expanded: traffic to {@code hostPort} on
 * {@code hostAddress} (all addresses when null) is forwarded to {@code containerAddress:containerPort}
 * on {@code network}.
 */
public record PublishedPort(
        Protocol protocol,
        IpAddr hostAddress,
        int hostPort,
        IpAddr containerAddress,
        int containerPort,
        String network,
        SourceSpan span) {

    public PublishedPort {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(containerAddress);
        Objects.requireNonNull(network);
        Objects.requireNonNull(span);
    }

    public Family family() {
        return containerAddress.family();
    }
}
