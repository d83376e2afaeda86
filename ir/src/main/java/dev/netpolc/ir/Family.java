package dev.netpolc.ir;

/** An IP address family. */
public enum Family {
    IPV4(32),
    IPV6(128);

    private final int bits;

    Family(int bits) {
        this.bits = bits;
    }

    /** Length of a full host prefix: 32 or 128. */
    public int bits() {
        return bits;
    }
}
