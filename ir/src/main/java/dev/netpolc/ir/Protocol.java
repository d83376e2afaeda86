package dev.netpolc.ir;

/** A transport protocol a port can be published for. */
public enum Protocol {
    TCP("tcp"),
    UDP("udp"),
    SCTP("sctp");

    private final String keyword;

    Protocol(String keyword) {
        this.keyword = keyword;
    }

    /** The name in the policy language and in iptables and nft rules. */
    public String keyword() {
        return keyword;
    }
}
