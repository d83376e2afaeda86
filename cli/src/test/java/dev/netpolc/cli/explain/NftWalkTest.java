package dev.netpolc.cli.explain;

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

    private static NftWalk walk(String rule) {
        Policy p = new Policy(List.of(), HostSettings.defaults(), List.of(), List.of());
        Topology topo = new Topology(p, Family.IPV4, null);
        var table = new NftablesView.TableView("inet", "netpolc",
                List.of(new NftablesView.SetView("set", "s4", "ipv4_addr", "10.0.0.0/8 comment \"a.net:1 x, y\"")),
                List.of(new NftablesView.ChainView("forward", "type filter hook forward priority filter; policy drop;",
                        List.of(rule))));
        return new NftWalk(table, topo, new Trace("nftables", "a", "b"), "layout");
    }

    @Test
    void knownFormsParse() {
        walk("ip saddr @s4 ct state established,related accept");
        walk("meta nfproto ipv4 meta l4proto { tcp, udp } th dport 22 reject with tcp reset");
        walk("ip daddr != 127.0.0.0/8 fib daddr type local jump forward");
    }

    @Test
    void unknownFormsFailLoudlyNamingTheRule() {
        for (String rule : new String[] {"tcp flags syn drop", "ip saddr @nosuchset drop", "jump nowhere",
            "meta mark 0x1 accept", "ct status dnat accept", "ip saddr 10.0.0.0/8", "queue num 1"}) {
            ExplainException e = assertThrows(ExplainException.class, () -> walk(rule), rule);
            assertTrue(e.limitation(), rule);
            assertTrue(e.getMessage().contains("'" + rule + "'"), e.getMessage());
        }
    }
}
