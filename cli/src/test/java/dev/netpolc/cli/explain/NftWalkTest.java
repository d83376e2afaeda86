package dev.netpolc.cli.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.backend.nftables.NftablesView;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.HostSettings;
import dev.netpolc.ir.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nftables evaluator refuses, naming the rule, every expression it does not know. */
class NftWalkTest {

    private static final Policy POLICY = new Policy(List.of(), HostSettings.defaults(), List.of(), List.of());

    private static NftWalk walk(String... rules) {
        Topology topo = new Topology(POLICY, Family.IPV4, null);
        var table = new NftablesView.TableView("inet", "netpolc",
                List.of(new NftablesView.SetView("set", "s4", "ipv4_addr",
                        "10.0.0.0/8 comment \"a.net:1 x, y\", 192.168.0.0/16 comment \"a.net:2 z\"")),
                List.of(new NftablesView.ChainView("forward", "type filter hook forward priority filter; policy drop;",
                        List.of(rules))));
        return new NftWalk(table, topo, new Trace("nftables", "a", "b"), "layout");
    }

    private static RuleWalk.Outcome forward(NftWalk w, String src, int dport) {
        Packet p = new Packet(Family.IPV4, Addresses.parse(src), Addresses.parse("172.16.0.9"), "tcp", 49152, dport, -1, true);
        p.in = "eth0";
        p.out = "br-x";
        w.bind(new Topology(POLICY, Family.IPV4, null), new Trace("nftables", "a", "b"));
        return w.hook("filter", "FORWARD", p);
    }

    @Test
    void rulesDecideInOrderAndNameTheMatchedElement() {
        NftWalk w = walk("tcp dport { 22, 80 } log prefix \"deny \" drop", "counter ip saddr @s4 accept");
        assertEquals("DROP", forward(w, "10.1.1.1", 22).verdict());
        RuleWalk.Outcome ok = forward(w, "192.168.3.4", 443);
        assertEquals("ACCEPT", ok.verdict());
        assertEquals("a.net:2 z", ok.origin());
        assertEquals("a.net:1 x, y", forward(w, "10.1.1.1", 443).origin());
        RuleWalk.Outcome none = forward(w, "11.1.1.1", 443);
        assertEquals("DROP", none.verdict());
        assertEquals("policy drop of chain forward", none.rule());
    }

    @Test
    void knownFormsParse() {
        walk("ip saddr @s4 ct state established,related accept");
        walk("meta nfproto ipv4 meta l4proto { tcp, udp } th dport 22 reject with tcp reset");
        walk("ip daddr != 127.0.0.0/8 fib daddr type local jump forward");
        walk("ct status dnat ct original ip daddr 10.0.0.1 ct original proto-dst 8080 accept");
        walk("icmp type echo-request counter accept");
    }

    @Test
    void unknownFormsFailLoudlyNamingTheRule() {
        for (String rule : new String[] {"tcp flags syn drop", "ip saddr @nosuchset drop", "jump nowhere",
            "meta mark 0x1 accept", "ct status confirmed accept", "ip saddr 10.0.0.0/8", "queue num 1",
            "ip saddr web accept", "th dport http accept", "ct helper \"ftp\" accept"}) {
            ExplainException e = assertThrows(ExplainException.class, () -> walk(rule), rule);
            assertTrue(e.limitation(), rule);
            assertTrue(e.getMessage().contains("'" + rule + "'"), e.getMessage());
        }
    }
}
