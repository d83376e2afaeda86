package dev.netpolc.ir;

import java.util.Locale;

/** A transport protocol a port can be published for. */
public enum Protocol {
    TCP,
    UDP,
    SCTP;

    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }
}
