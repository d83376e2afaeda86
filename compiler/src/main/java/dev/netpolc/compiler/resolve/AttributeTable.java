package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Block;
import dev.netpolc.ir.Driver;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Which attribute belongs in which block, for which drivers, and which may be repeated. */
final class AttributeTable {

    private static final Set<Driver> ADDRESSED = EnumSet.of(Driver.BRIDGE, Driver.MACVLAN, Driver.OVERLAY);
    private static final Set<Driver> ALL = EnumSet.allOf(Driver.class);

    /** Network attributes and the drivers they apply to, in documentation order. */
    static final Map<String, Set<Driver>> NETWORK = new LinkedHashMap<>();

    static {
        NETWORK.put("driver", ALL);
        NETWORK.put("subnet", ADDRESSED);
        NETWORK.put("ip-range", ADDRESSED);
        NETWORK.put("gateway", ADDRESSED);
        NETWORK.put("internal", ADDRESSED);
        NETWORK.put("mtu", ADDRESSED);
        NETWORK.put("bridge-name", EnumSet.of(Driver.BRIDGE, Driver.OVERLAY));
        NETWORK.put("icc", EnumSet.of(Driver.BRIDGE));
        NETWORK.put("masquerade", EnumSet.of(Driver.BRIDGE));
        NETWORK.put("snat-source", EnumSet.of(Driver.BRIDGE));
        NETWORK.put("host-binding", EnumSet.of(Driver.BRIDGE));
        NETWORK.put("parent", EnumSet.of(Driver.MACVLAN));
        NETWORK.put("mode", EnumSet.of(Driver.MACVLAN));
        NETWORK.put("vlan", EnumSet.of(Driver.MACVLAN));
        NETWORK.put("vxlan-id", EnumSet.of(Driver.OVERLAY));
        NETWORK.put("underlay", EnumSet.of(Driver.OVERLAY));
        NETWORK.put("peers", EnumSet.of(Driver.OVERLAY));
    }

    static final List<String> CONTAINER = List.of("attach", "publish", "netns", "node");
    static final List<String> NODE = List.of("address", "underlay");
    static final List<String> SETTINGS = List.of("userland-proxy", "chain-prefix", "forward-policy", "uplink", "nft-table",
            "uplink-mtu", "layout");

    /** Attributes that may appear more than once in a block (each use checked on its own). */
    static final Set<String> REPEATABLE = Set.of("subnet", "ip-range", "gateway", "attach", "publish");

    private AttributeTable() {}

    static List<String> keys(Block.Kind kind) {
        switch (kind) {
            case NETWORK:
                return List.copyOf(NETWORK.keySet());
            case CONTAINER:
                return CONTAINER;
            case NODE:
                return NODE;
            default:
                return SETTINGS;
        }
    }

    /** The kind of block an attribute belongs to, or null when it belongs nowhere. */
    static Block.Kind home(String key) {
        if (NETWORK.containsKey(key)) {
            return Block.Kind.NETWORK;
        }
        if (CONTAINER.contains(key)) {
            return Block.Kind.CONTAINER;
        }
        if (SETTINGS.contains(key)) {
            return Block.Kind.SETTINGS;
        }
        if (NODE.contains(key)) {
            return Block.Kind.NODE;
        }
        return null;
    }
}
