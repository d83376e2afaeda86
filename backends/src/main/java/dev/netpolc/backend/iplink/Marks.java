package dev.netpolc.backend.iplink;

/**
 * The marks netpolc leaves on what it creates: the alias ({@code ip link set dev X alias M}) of
 * every link, and of the loopback of every network namespace. The teardown deletes a link or a
 * namespace only when it carries the mark the setup gave it, so anything that existed before, or
 * that someone else created under the same name, stays.
 */
final class Marks {

    static final String PREFIX = "netpolc:";

    private Marks() {}

    static String bridge(String network) {
        return PREFIX + "bridge:" + network;
    }

    static String vxlan(String network) {
        return PREFIX + "vxlan:" + network;
    }

    static String vlan(String device) {
        return PREFIX + "vlan:" + device;
    }

    /** The host end of a container's veth pair; the pair goes when it is deleted. */
    static String veth(String container, String network) {
        return PREFIX + "veth:" + container + ":" + network;
    }

    static String macvlan(String container, String network) {
        return PREFIX + "macvlan:" + container + ":" + network;
    }

    /** The loopback of a container's namespace that netpolc created. */
    static String netns(String container) {
        return PREFIX + "netns:" + container;
    }
}
