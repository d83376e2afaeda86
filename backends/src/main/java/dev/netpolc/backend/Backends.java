package dev.netpolc.backend;

import dev.netpolc.backend.iplink.IplinkBackend;
import dev.netpolc.backend.iptables.IptablesBackend;
import dev.netpolc.backend.nftables.NftablesBackend;
import dev.netpolc.ir.Family;
import java.util.List;
import java.util.Optional;

/** The registry of backends, in the order {@code --help} lists them. */
public final class Backends {

    private static final List<Backend> ALL = List.of(
            new IptablesBackend(Family.IPV4),
            new IptablesBackend(Family.IPV6),
            new NftablesBackend(),
            new IplinkBackend(IplinkBackend.Script.SETUP),
            new IplinkBackend(IplinkBackend.Script.TEARDOWN),
            new IplinkBackend(IplinkBackend.Script.BATCH));

    private Backends() {}

    public static List<Backend> all() {
        return ALL;
    }

    public static Optional<Backend> byName(String name) {
        // a loop, not a stream: on a JVM without an ahead-of-time cache each lambda links at its
        // first call, at run time (docs/performance.md)
        for (Backend b : ALL) {
            if (b.name().equals(name)) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The target used when none is named. */
    public static Backend defaultBackend() {
        return ALL.get(0);
    }
}
