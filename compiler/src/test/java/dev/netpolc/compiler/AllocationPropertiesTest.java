package dev.netpolc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of allocation and of publish conflicts, against a small model of Docker's rules. */
class AllocationPropertiesTest {

    private static String ip(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }

    private static long parse(String s) {
        String[] p = s.split("\\.");
        return (Long.parseLong(p[0]) << 24) | (Long.parseLong(p[1]) << 16) | (Long.parseLong(p[2]) << 8) | Long.parseLong(p[3]);
    }

    /**
     * Dynamic addresses are unique, inside the ip-range, never the network, broadcast, gateway or a
     * static address, and are exactly the lowest free addresses of the range in declaration order;
     * when the range runs out, each container left without an address gets one NP2020.
     */
    @Property(tries = 300)
    void dynamicAddressesAreTheLowestFreeOnesOfTheRange(
            @ForAll @IntRange(min = 22, max = 29) int prefix,
            @ForAll @IntRange(min = 0, max = 255) int second,
            @ForAll @IntRange(min = 0, max = 255) int third,
            @ForAll @IntRange(min = 0, max = 3) int rangeExtraBits,
            @ForAll @IntRange(min = 0, max = 1000) int rangeIndex,
            @ForAll boolean customGateway,
            @ForAll @IntRange(min = 0, max = 100000) int gatewayPick,
            @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 100000) Integer> staticPicks,
            @ForAll @IntRange(min = 0, max = 40) int dynamicCount,
            @ForAll long orderSeed) {
        long size = 1L << (32 - prefix);
        long first = ((10L << 24) | ((long) second << 16) | ((long) third << 8)) & ~(size - 1);
        long last = first + size - 1;
        long gateway = customGateway ? first + 1 + gatewayPick % (size - 2) : first + 1;

        int rangePrefix = Math.min(30, prefix + rangeExtraBits);
        long rangeSize = 1L << (32 - rangePrefix);
        long rangeFirst = rangePrefix == prefix ? first : first + (rangeIndex % (size / rangeSize)) * rangeSize;
        long rangeLast = rangeFirst + rangeSize - 1;

        Set<Long> statics = new LinkedHashSet<>();
        for (int pick : staticPicks) {
            long a = first + 1 + pick % (size - 2);
            if (a != gateway) {
                statics.add(a);
            }
        }

        List<String> decls = new ArrayList<>();
        List<String> dynamicNames = new ArrayList<>();
        int s = 0;
        for (long a : statics) {
            decls.add("container s" + s++ + " { attach n ip " + ip(a) + " }\n");
        }
        for (int i = 0; i < dynamicCount; i++) {
            decls.add("container d" + i + " { attach n }\n");
        }
        Collections.shuffle(decls, new Random(orderSeed));
        for (String d : decls) {
            if (d.startsWith("container d")) {
                dynamicNames.add(d.substring("container ".length(), d.indexOf(' ', "container ".length())));
            }
        }
        StringBuilder text = new StringBuilder("network n {\n    subnet " + ip(first) + "/" + prefix + "\n");
        if (rangePrefix != prefix) {
            text.append("    ip-range ").append(ip(rangeFirst)).append('/').append(rangePrefix).append('\n');
        }
        if (customGateway) {
            text.append("    gateway ").append(ip(gateway)).append('\n');
        }
        text.append("}\n");
        decls.forEach(text::append);

        // the model: the free addresses of the range, lowest first
        List<Long> free = new ArrayList<>();
        for (long a = rangeFirst; a <= rangeLast; a++) {
            if (a != first && a != last && a != gateway && !statics.contains(a)) {
                free.add(a);
            }
        }

        CompileResult r = Compile.result(text.toString());
        if (dynamicCount <= free.size()) {
            assertNotNull(r.policy(), () -> text + "\n" + Compile.render(r));
            Policy p = r.policy();
            Set<String> seen = new HashSet<>();
            for (Container c : p.containers()) {
                Attachment a = c.attachments().get(0);
                assertTrue(seen.add(a.ipv4().text()), "address handed out twice: " + a.ipv4());
            }
            for (int i = 0; i < dynamicNames.size(); i++) {
                String got = Compile.ipv4(p, dynamicNames.get(i), "n");
                assertEquals(ip(free.get(i)), got, () -> text.toString());
                long v = parse(got);
                assertTrue(v >= rangeFirst && v <= rangeLast);
            }
        } else {
            assertNull(r.policy());
            List<Diagnostic> exhausted = r.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.POOL_EXHAUSTED).toList();
            assertEquals(r.diagnostics().size(), exhausted.size(), () -> Compile.render(r));
            assertEquals(dynamicCount - free.size(), exhausted.size());
        }
    }

    /**
     * A publish conflicts with an earlier accepted one of the same protocol and port when either
     * binds all addresses or both bind the same address; every other combination is accepted.
     */
    @Property(tries = 300)
    void publishConflictsFollowTheBindingRules(
            @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 0, max = 3) Integer> addresses,
            @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 80, max = 82) Integer> ports,
            @ForAll @Size(min = 12, max = 12) List<Boolean> udp) {
        String[] hosts = {"", "0.0.0.0:", "127.0.0.1:", "127.0.0.2:"};
        StringBuilder text = new StringBuilder("network bridge {}\n");
        record Pub(String host, int port, boolean udp) {}
        List<Pub> accepted = new ArrayList<>();
        int conflicts = 0;
        for (int i = 0; i < addresses.size(); i++) {
            String host = hosts[addresses.get(i)];
            Pub pub = new Pub(host.isEmpty() || host.equals("0.0.0.0:") ? null : host, ports.get(i), udp.get(i));
            text.append("container c").append(i).append(" { publish ").append(host).append(pub.port()).append(" -> 80")
                    .append(pub.udp() ? "/udp" : "").append(" }\n");
            boolean clash = accepted.stream().anyMatch(a -> a.port() == pub.port() && a.udp() == pub.udp()
                    && (a.host() == null || pub.host() == null || a.host().equals(pub.host())));
            if (clash) {
                conflicts++;
            } else {
                accepted.add(pub);
            }
        }
        CompileResult r = Compile.result(text.toString());
        long reported = r.diagnostics().stream().filter(d -> d.code() == DiagnosticCode.DUPLICATE_PUBLISH).count();
        assertEquals(conflicts, reported, () -> text + "\n" + Compile.render(r));
        assertEquals(conflicts, r.diagnostics().size(), () -> Compile.render(r));
        if (conflicts == 0) {
            assertEquals(addresses.size(),
                    r.policy().containers().stream().mapToInt(c -> c.published().size()).sum());
        }
    }
}
