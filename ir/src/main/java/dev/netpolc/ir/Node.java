package dev.netpolc.ir;

import java.util.Objects;

/**
 * One host of a multi-host policy: a {@code node NAME { address A; underlay IF }} block. Containers
 * name the node they run on; overlay networks reach the other nodes at their addresses.
 *
 * @param address  the node's address on the underlay network, where VXLAN tunnels end
 * @param underlay the interface the node's VXLAN tunnels run over, or null to let routing decide
 */
public record Node(String name, IpAddr address, String underlay, SourceSpan span) {

    public Node {
        Objects.requireNonNull(name);
        Objects.requireNonNull(address);
        Objects.requireNonNull(span);
    }
}
