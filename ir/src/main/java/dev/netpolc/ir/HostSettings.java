package dev.netpolc.ir;

import java.util.List;
import java.util.Objects;

/**
 * Host-wide settings.
 *
 * @param userlandProxy  Docker's userland proxy: on by default; off means hairpin NAT in the kernel
 * @param chainPrefix    the prefix of every chain netpolc creates ({@code DOCKER} by default)
 * @param forwardPolicy  the FORWARD chain's policy
 * @param uplinks        the host's uplink interfaces, when the policy names them
 * @param nftTable       the name of the nftables table netpolc owns ({@code netpolc} by default)
 * @param uplinkMtu      the MTU of the uplinks, or null when the policy does not say
 * @param layout         where the iptables targets put netpolc's rules ({@link Layout#DOCKER} by default)
 * @param span           the first settings block, or {@link SourceSpan#BUILTIN} when there is none
 */
public record HostSettings(boolean userlandProxy, String chainPrefix, ForwardPolicy forwardPolicy, List<String> uplinks,
        String nftTable, Integer uplinkMtu, Layout layout, SourceSpan span) {

    public static final String DEFAULT_CHAIN_PREFIX = "DOCKER";
    public static final String DEFAULT_NFT_TABLE = "netpolc";

    public HostSettings {
        Objects.requireNonNull(chainPrefix);
        Objects.requireNonNull(forwardPolicy);
        Objects.requireNonNull(nftTable);
        Objects.requireNonNull(layout);
        Objects.requireNonNull(span);
        uplinks = List.copyOf(uplinks);
    }

    public static HostSettings defaults() {
        return new HostSettings(true, DEFAULT_CHAIN_PREFIX, ForwardPolicy.DROP, List.of(), DEFAULT_NFT_TABLE, null,
                Layout.DOCKER, SourceSpan.BUILTIN);
    }
}
