package dev.netpolc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Cidr;
import dev.netpolc.ir.CidrIndex;
import dev.netpolc.ir.Cidrs;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.IpText;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleEndpoint;
import dev.netpolc.ir.SourceSpan;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The prefix arithmetic of rules ({@link Cidrs#normalize}, {@link Cidrs#contains}, {@link Cidrs#overlap},
 * {@link CidrIndex}, {@link RuleEndpoint#cidrs(Family)}) against the obvious: each prefix's first
 * and last address as numbers known from how it was drawn, every pair compared. The inputs are
 * small lists drawn from a few crowded regions, so that repeats, nesting, neighbours and overlaps
 * are common, in both families, including the IPv4-mapped IPv6 block {@code ::ffff:0:0/96} next
 * to {@code ::/96}, whose addresses are IPv6 addresses and never the IPv4 addresses they map.
 */
class CidrsPropertiesTest {

    /** A drawn prefix and what it stands for, computed from the numbers it was drawn from. */
    record Drawn(Cidr cidr, Family family, BigInteger first, BigInteger last) {
        @Override
        public String toString() {
            return cidr.address().text() + "/" + cidr.prefix();
        }
    }

    private static final BigInteger MAPPED = BigInteger.valueOf(0xffffL).shiftLeft(32);

    private static Drawn drawn(Family f, BigInteger value, int prefix, boolean dotted) {
        int host = f.bits() - prefix;
        BigInteger first = value.shiftRight(host).shiftLeft(host);
        BigInteger last = first.add(BigInteger.ONE.shiftLeft(host)).subtract(BigInteger.ONE);
        String text;
        if (f == Family.IPV4) {
            text = IpText.v4(first.longValue());
        } else if (dotted && first.shiftRight(32).equals(BigInteger.valueOf(0xffff))) {
            // the other way to write an IPv4-mapped address: still IPv6
            text = "::ffff:" + IpText.v4(first.longValue() & 0xffffffffL);
        } else {
            text = IpText.v6(first);
        }
        return new Drawn(new Cidr(new IpAddr(f, text), prefix), f, first, last);
    }

    @Provide
    Arbitrary<Drawn> prefixes() {
        Arbitrary<Drawn> v4 = Combinators.combine(
                Arbitraries.of(0L, 0x0a000000L, 0x0a000100L, 0x01020304L, 0xc0000200L, 0xffffff00L),
                Arbitraries.longs().between(0, 511),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(32)), Tuple.of(5, Arbitraries.integers().between(22, 31)),
                        Tuple.of(1, Arbitraries.integers().between(0, 21))))
                .as((base, offset, prefix) -> drawn(Family.IPV4, BigInteger.valueOf((base + offset) & 0xffffffffL), prefix, false));
        Arbitrary<Drawn> v6 = Combinators.combine(
                Arbitraries.of(BigInteger.ZERO, MAPPED, MAPPED.add(BigInteger.valueOf(0x01020300L)), BigInteger.valueOf(0x20000L).shiftLeft(16),
                        BigInteger.valueOf(0x1_0000L).shiftLeft(32), BigInteger.valueOf(0x20010db8L).shiftLeft(96)),
                Arbitraries.longs().between(0, 511),
                Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(128)), Tuple.of(5, Arbitraries.integers().between(118, 127)),
                        Tuple.of(3, Arbitraries.of(95, 96, 97)), Tuple.of(1, Arbitraries.integers().between(0, 94))),
                Arbitraries.of(false, true))
                .as((base, offset, prefix, dotted) -> drawn(Family.IPV6, base.add(BigInteger.valueOf(offset)), prefix, dotted));
        return Arbitraries.oneOf(v4, v6);
    }

    @Provide
    Arbitrary<List<Drawn>> lists() {
        return prefixes().list().ofMinSize(0).ofMaxSize(40);
    }

    private static boolean contains(Drawn outer, Drawn inner) {
        return outer.family() == inner.family() && outer.first().compareTo(inner.first()) <= 0
                && outer.last().compareTo(inner.last()) >= 0;
    }

    private static boolean overlap(Drawn a, Drawn b) {
        return a.family() == b.family() && a.first().compareTo(b.last()) <= 0 && b.first().compareTo(a.last()) <= 0;
    }

    private static boolean same(Drawn a, Drawn b) {
        return a.family() == b.family() && a.first().equals(b.first()) && a.last().equals(b.last());
    }

    /** The prefixes no other one holds, each once (the first of equal ones), in list order: every pair compared. */
    private static List<Cidr> normalized(List<Drawn> list) {
        List<Cidr> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            boolean held = false;
            for (int j = 0; j < list.size(); j++) {
                if (j != i && contains(list.get(j), list.get(i)) && (!same(list.get(j), list.get(i)) || j < i)) {
                    held = true;
                }
            }
            if (!held) {
                out.add(list.get(i).cidr());
            }
        }
        return out;
    }

    private static List<Cidr> cidrs(List<Drawn> list) {
        List<Cidr> out = new ArrayList<>();
        for (Drawn d : list) {
            out.add(d.cidr());
        }
        return out;
    }

    @Property(tries = 2000)
    void firstAndLastAreTheNumbersOfThePrefix(@ForAll("prefixes") Drawn d) {
        assertEquals(d.first(), Cidrs.first(d.cidr()), d::toString);
        assertEquals(d.last(), Cidrs.last(d.cidr()), d::toString);
        // and what the ipaddress library reads from the same text: a mapped address stays IPv6
        IPAddress lib = new IPAddressString(d.toString()).getAddress().toPrefixBlock();
        assertEquals(d.family() == Family.IPV4, lib.isIPv4(), d::toString);
        assertEquals(lib.getLower().getValue(), Cidrs.first(d.cidr()), d::toString);
        assertEquals(lib.getUpper().getValue(), Cidrs.last(d.cidr()), d::toString);
    }

    @Property(tries = 3000)
    void containsAndOverlapAgreeWithTheNumbers(@ForAll("prefixes") Drawn a, @ForAll("prefixes") Drawn b) {
        assertEquals(contains(a, b), Cidrs.contains(a.cidr(), b.cidr()), () -> a + " holds " + b);
        assertEquals(overlap(a, b), Cidrs.overlap(a.cidr(), b.cidr()), () -> a + " meets " + b);
    }

    @Property(tries = 2000)
    void normalizeKeepsThePrefixesNoOtherHolds(@ForAll("lists") List<Drawn> list) {
        assertEquals(normalized(list), Cidrs.normalize(cidrs(list)), list::toString);
    }

    @Property(tries = 2000)
    void anIndexAnswersAsEveryMemberWould(@ForAll("lists") List<Drawn> members, @ForAll("lists") List<Drawn> probes) {
        CidrIndex index = CidrIndex.of(cidrs(members));
        assertEquals(members.isEmpty(), index.isEmpty());
        for (Drawn p : probes) {
            boolean held = false;
            boolean met = false;
            for (Drawn m : members) {
                held |= contains(m, p);
                met |= overlap(m, p);
            }
            assertEquals(held, index.holds(p.cidr()), () -> members + " hold " + p);
            assertEquals(met, index.meets(p.cidr()), () -> members + " meet " + p);
            Cidr holder = index.holder(p.cidr());
            assertEquals(held, holder != null, () -> members + " holder of " + p);
            if (holder != null) {
                Drawn h = members.stream().filter(m -> m.cidr() == holder).findFirst().orElse(null);
                assertNotNull(h, () -> holder + " is not one of " + members);
                assertTrue(contains(h, p));
                // the widest: no member holds more than it
                assertTrue(members.stream().noneMatch(m -> contains(m, h) && !same(m, h)), () -> holder + " is not the widest");
            }
        }
    }

    @Property(tries = 500)
    void anEndpointListsEachFamilyInOrder(@ForAll("lists") List<Drawn> list) {
        RuleEndpoint e = new RuleEndpoint("x", false, false, false, cidrs(list), new SourceSpan("t.net", 1, 1, 1));
        assertEquals(cidrs(list), e.cidrs());
        for (Family f : Family.values()) {
            List<Cidr> of = new ArrayList<>();
            for (Drawn d : list) {
                if (d.family() == f) {
                    of.add(d.cidr());
                }
            }
            assertEquals(of, e.cidrs(f));
            assertEquals(!of.isEmpty(), e.covers(f));
        }
    }

    private static Cidr cidr(String text) {
        int slash = text.indexOf('/');
        String a = slash < 0 ? text : text.substring(0, slash);
        Family f = a.indexOf(':') >= 0 ? Family.IPV6 : Family.IPV4;
        return new Cidr(new IpAddr(f, a), slash < 0 ? f.bits() : Integer.parseInt(text.substring(slash + 1)));
    }

    @Test
    void anIpv4MappedAddressIsIpv6() {
        assertTrue(Cidrs.contains(cidr("::ffff:0:0/96"), cidr("::ffff:102:304")));
        assertTrue(Cidrs.contains(cidr("::ffff:0:0/96"), cidr("::ffff:1.2.3.4")));
        assertFalse(Cidrs.contains(cidr("::ffff:0:0/96"), cidr("::1")));
        assertFalse(Cidrs.contains(cidr("::/96"), cidr("::ffff:102:304")));
        assertFalse(Cidrs.overlap(cidr("::/96"), cidr("::ffff:0:0/96")));
        assertFalse(Cidrs.overlap(cidr("1.2.3.4"), cidr("::ffff:1.2.3.4")));
        assertFalse(Cidrs.contains(cidr("0.0.0.0/0"), cidr("::ffff:1.2.3.4")));
        assertEquals(new BigInteger("ffff01020304", 16), Cidrs.value(new IpAddr(Family.IPV6, "::ffff:102:304")));
        assertEquals(List.of(cidr("::ffff:0:0/96"), cidr("::1"), cidr("1.2.3.4"), cidr("::2:0:0/96")),
                Cidrs.normalize(List.of(cidr("::ffff:102:304"), cidr("::ffff:0:0/96"), cidr("::1"), cidr("1.2.3.4"),
                        cidr("::2:0:0/96"), cidr("::ffff:1.2.3.4"))));
        CidrIndex index = CidrIndex.of(List.of(cidr("::ffff:0:0/96"), cidr("10.0.0.0/8")));
        assertTrue(index.holds(cidr("::ffff:a00:1")));
        assertFalse(index.holds(cidr("::a00:1")));
        assertFalse(index.meets(cidr("::/96")));
        assertNull(index.holder(cidr("::ffff:1:0:0")));
        assertSame(index.holder(cidr("10.1.0.0/16")), index.holder(cidr("10.2.3.4")));
    }

    @Test
    void aRuleKeepsEveryMappedAndNeighbouringBlock() {
        // ::ffff:0:0/96 and ::/96 used to be read as the same IPv4 block, each holding the other,
        // and both were dropped from the rule: nothing of ::/96 or ::ffff:0:0/96 was denied
        CompileResult r = PolicyCompiler.compileString("mapped.net", """
                network bridge {}
                network app { subnet 10.1.0.0/24; subnet fd00:1::/64 }
                container api { attach app }
                define odd = { ::ffff:1.2.3.4, ::ffff:0:0/96, ::1, 1.2.3.4, ::/96, ::2:0:0/96, ::ffff:0:0/96 }
                deny network app -> odd
                """, Path.of("."));
        assertNotNull(r.policy(), r.diagnostics()::toString);
        PolicyRule rule = r.policy().rules().get(0);
        assertEquals(List.of(cidr("::ffff:0:0/96"), cidr("1.2.3.4"), cidr("::/96"), cidr("::2:0:0/96")), rule.to().cidrs());
    }
}
