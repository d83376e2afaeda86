package dev.netpolc.cli.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule parser and matches: every form the layout emits, and a loud failure for anything else. */
class IptRuleTest {

    private static final Set<String> CHAINS = Set.of("FORWARD", "DOCKER", "DOCKER-USER");
    private static final IptRule.Host HOST = a -> a.text().equals("10.0.0.1");

    private static IptRule rule(String spec) {
        return IptRule.parse("filter", "FORWARD", "-A FORWARD " + spec, spec, CHAINS, HOST);
    }

    private static Packet tcp(String src, String dst, int dport, String in, String out) {
        Packet p = new Packet(Family.IPV4, Addresses.parse(src), Addresses.parse(dst), "tcp", 49152, dport, -1, true);
        p.in = in;
        p.out = out;
        return p;
    }

    @Test
    void addressesInterfacesAndNegation() {
        IptRule r = rule("-s 10.0.0.0/24 ! -d 10.0.0.0/24 -i br-a ! -o br-a -j ACCEPT");
        assertTrue(r.matches(tcp("10.0.0.5", "8.8.8.8", 53, "br-a", "eth0")));
        assertFalse(r.matches(tcp("10.0.0.5", "10.0.0.6", 53, "br-a", "eth0")));
        assertFalse(r.matches(tcp("10.0.0.5", "8.8.8.8", 53, "br-a", "br-a")));
        assertFalse(r.matches(tcp("10.0.1.5", "8.8.8.8", 53, "br-a", "eth0")));
        assertTrue(rule("-i br+ -j ACCEPT").matches(tcp("1.1.1.1", "2.2.2.2", 1, "br-x", null)));
    }

    @Test
    void portsRangesAndMultiport() {
        assertTrue(rule("-p tcp -m tcp --dport 80 -j ACCEPT").matches(tcp("1.1.1.1", "2.2.2.2", 80, null, null)));
        assertFalse(rule("-p udp -m udp --dport 80 -j ACCEPT").matches(tcp("1.1.1.1", "2.2.2.2", 80, null, null)));
        assertTrue(rule("-p tcp -m tcp --dport 9000:9001 -j ACCEPT").matches(tcp("1.1.1.1", "2.2.2.2", 9001, null, null)));
        IptRule m = rule("-p tcp -m multiport --dports 22,80,8000:8100 -j DROP");
        assertTrue(m.matches(tcp("1.1.1.1", "2.2.2.2", 8050, null, null)));
        assertFalse(m.matches(tcp("1.1.1.1", "2.2.2.2", 443, null, null)));
        assertTrue(rule("-p tcp -m tcp ! --dport 22 -j ACCEPT").matches(tcp("1.1.1.1", "2.2.2.2", 80, null, null)));
    }

    @Test
    void conntrackAddrtypeIcmpAndComments() {
        Packet p = tcp("1.1.1.1", "10.0.0.1", 80, "eth0", null);
        assertFalse(rule("-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT").matches(p));
        assertTrue(rule("-m conntrack --ctstate NEW -j ACCEPT").matches(p));
        assertTrue(rule("-m addrtype --dst-type LOCAL -j DOCKER").matches(p));
        assertFalse(rule("-m addrtype --src-type LOCAL -j DOCKER").matches(p));
        IptRule c = rule("-m comment --comment \"policies/a.net:3 network web\" -j ACCEPT");
        assertEquals("policies/a.net:3 network web", c.origin());
        Packet ping = new Packet(Family.IPV4, new IpAddr(Family.IPV4, "1.1.1.1"), new IpAddr(Family.IPV4, "2.2.2.2"), "icmp", 0, 0,
                8, true);
        assertTrue(rule("-p icmp -m icmp --icmp-type echo-request -j ACCEPT").matches(ping));
        assertFalse(rule("-p icmp -m icmp --icmp-type 0 -j ACCEPT").matches(ping));
        Packet dnatted = tcp("1.1.1.1", "10.0.0.1", 8080, "eth0", null);
        dnatted.destination = Addresses.parse("172.17.0.2");
        dnatted.destinationPort = 80;
        dnatted.ctstates.add("DNAT");
        assertTrue(rule("-d 172.17.0.2/32 -m conntrack --ctstate DNAT --ctorigdst 10.0.0.1/32 --ctorigdstport 8080 -j ACCEPT")
                .matches(dnatted));
        assertFalse(rule("-m conntrack --ctorigdstport 80 -j ACCEPT").matches(dnatted));
    }

    @Test
    void targetsWithOptions() {
        IptRule r = rule("-p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset");
        assertEquals("REJECT", r.target());
        assertEquals("tcp-reset", r.targetOptions().get("--reject-with"));
        assertEquals("LOG", rule("-j LOG --log-prefix \"netpolc deny: \"").target());
        assertEquals("DOCKER-USER", rule("-j DOCKER-USER").target());
    }

    @Test
    void anythingUnknownFailsLoudlyNamingTheRule() {
        for (String spec : new String[] {"-m set --match-set trusted src -j ACCEPT", "-j MARK --set-xmark 0x1",
            "-g DOCKER", "-m addrtype --dst-type BROADCAST -j DROP", "-m conntrack --ctstate NEW,BOGUS -j DROP",
            "-p gre -j DROP", "-m tcp --flags SYN SYN -j DROP", "-s 10.0.0.0/8", "-m icmp --icmp-type bogus -j DROP"}) {
            ExplainException e = assertThrows(ExplainException.class, () -> rule(spec), spec);
            assertTrue(e.limitation(), spec);
            assertTrue(e.getMessage().contains("'-A FORWARD " + spec + "'"), e.getMessage());
        }
    }

    @Test
    void addressArithmetic() {
        assertEquals("fd00::1", Addresses.parse("FD00:0:0::1").text());
        assertEquals("2001:db8:0:1::", Addresses.parse("2001:db8:0:1:0:0:0:0").text());
        assertTrue(Addresses.in(Addresses.parse("fd00::5"), "fd00::/64"));
        assertFalse(Addresses.in(Addresses.parse("10.0.0.1"), "fd00::/64"));
        assertEquals(null, Addresses.parse("web"));
        assertEquals(null, Addresses.parse("300.1.1.1"));
    }
}
