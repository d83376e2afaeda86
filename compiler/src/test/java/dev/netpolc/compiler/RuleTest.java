package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.errors;
import static dev.netpolc.compiler.Compile.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.RuleAction;
import dev.netpolc.ir.RuleHook;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Policy rules and sets: what they resolve to, and what is refused with which code. */
class RuleTest {

    private static final String NETS = "network front { subnet 10.1.0.0/24 }\n"
            + "network back { subnet 10.2.0.0/24; subnet fd00:2::/64 }\n"
            + "container web { attach front; attach back }\n"
            + "container db { attach back }\n";

    private static List<String> cidrs(List<dev.netpolc.ir.Cidr> c) {
        return c.stream().map(Object::toString).toList();
    }

    @Test
    void anAddressInsideAnotherOfTheListIsMatchedOnce() {
        PolicyRule r = ok(NETS + "deny { db, network back, 10.2.0.0/24 } -> external\n").rules().get(0);
        assertEquals(List.of("10.2.0.0/24", "fd00:2::/64"), cidrs(r.from().cidrs()));
    }

    @Test
    void containersNetworksAndAddressesResolveToWhatTheKernelMatches() {
        Policy p = ok(NETS + "allow web -> network back port 5432/tcp, 8000-8100/udp\n");
        PolicyRule r = p.rules().get(0);
        assertEquals(RuleAction.ALLOW, r.action());
        assertEquals(RuleHook.FORWARD, r.hook());
        assertEquals(List.of("10.1.0.2/32", "10.2.0.2/32", "fd00:2::2/128"), cidrs(r.from().cidrs()));
        assertEquals(List.of("10.2.0.0/24", "fd00:2::/64"), cidrs(r.to().cidrs()));
        assertEquals("[5432/tcp, 8000-8100/udp]", r.services().toString());
        assertEquals("allow web -> network back port 5432/tcp, 8000-8100/udp", r.text());
    }

    @Test
    void setsNestAndKeepFirstMentionOrder() {
        Policy p = ok(NETS + "define inner = { 192.168.0.0/16, db }\ndefine outer = { inner, 10.9.0.0/16, db }\n"
                + "deny outer -> external\n");
        PolicyRule r = p.rules().get(0);
        assertEquals(List.of("192.168.0.0/16", "10.2.0.3/32", "fd00:2::3/128", "10.9.0.0/16"), cidrs(r.from().cidrs()));
        assertTrue(r.to().external());
    }

    @Test
    void hostDecidesTheHook() {
        Policy p = ok(NETS + "reject any -> host port 22/tcp\nallow host -> db\n");
        assertEquals(RuleHook.INPUT, p.rules().get(0).hook());
        assertEquals(RuleHook.OUTPUT, p.rules().get(1).hook());
    }

    @Test
    void logWithAndWithoutVerdict() {
        Policy p = ok(NETS + "log web -> db\nlog prefix \"blocked \" deny web -> external\n");
        assertEquals(RuleAction.LOG, p.rules().get(0).action());
        assertEquals("netpolc 5 log ", p.rules().get(0).logPrefix());
        assertEquals(RuleAction.DENY, p.rules().get(1).action());
        assertTrue(p.rules().get(1).log());
        assertEquals("blocked ", p.rules().get(1).logPrefix());
    }

    @Test
    void aRuleAppliesOnlyToTheFamiliesBothSidesHave() {
        Policy p = ok(NETS + "deny network front -> any\n");
        assertTrue(p.rules().get(0).applies(Family.IPV4));
        assertFalse(p.rules().get(0).applies(Family.IPV6));
        List<Diagnostic> d = errors(NETS + "deny network front -> fd00::/8\n");
        assertEquals(List.of(DiagnosticCode.RULE_NEVER_MATCHES), codes(d));
    }

    @Test
    void undefinedNamesSuggestTheClosest() {
        List<Diagnostic> d = errors(NETS + "allow wbe -> db\n");
        assertEquals(List.of(DiagnosticCode.UNDEFINED_NAME), codes(d));
        assertTrue(d.get(0).notes().stream().anyMatch(n -> n.message().equals("did you mean 'web'?")), d.toString());
        assertEquals(5, d.get(0).span().line());
        assertEquals(7, d.get(0).span().column());
    }

    @Test
    void aNameThatIsBothNetworkAndContainerMustBeQualified() {
        String text = "network web {}\ncontainer web { attach web }\n";
        assertEquals(List.of(DiagnosticCode.AMBIGUOUS_NAME), codes(errors(text + "deny web -> any\n")));
        Policy p = ok(text + "deny container web -> any\ndeny network web -> any\n");
        assertEquals(1, p.rules().get(0).from().cidrs().size());
    }

    @Test
    void endpointsTheFirewallCannotFilterAreRefused() {
        String mac = "network lan { driver macvlan; parent eth0; subnet 192.168.5.0/24 }\ncontainer m { attach lan }\n";
        assertEquals(List.of(DiagnosticCode.INVALID_ENDPOINT), codes(errors(NETS + mac + "deny network lan -> any\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_ENDPOINT), codes(errors(NETS + mac + "deny m -> any\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_ENDPOINT), codes(errors(NETS + "deny { host, web } -> any\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_ENDPOINT), codes(errors(NETS + "deny host -> host\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_ENDPOINT), codes(errors(NETS + "deny {} -> host\n")));
    }

    @Test
    void setsThatClashOrLoopAreRefused() {
        assertEquals(List.of(DiagnosticCode.DUPLICATE_DEFINE), codes(errors(NETS + "define web = { 10.0.0.0/8 }\n")));
        assertEquals(List.of(DiagnosticCode.DUPLICATE_DEFINE),
                codes(errors(NETS + "define a = { 10.0.0.0/8 }\ndefine a = { 10.0.0.0/8 }\n")));
        List<Diagnostic> d = errors(NETS + "define a = { b }\ndefine b = { a }\n");
        assertEquals(List.of(DiagnosticCode.DEFINE_CYCLE), codes(d));
        assertTrue(d.get(0).message().contains("a -> b -> a"), d.get(0).message());
    }

    @Test
    void optionsAreChecked() {
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db port 5432\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db port 70000/tcp\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db port 90-80/tcp\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db proto tpc\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db proto icmp port 80\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db icmp-type echo\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION),
                codes(errors(NETS + "allow web -> db comment \"it's\"\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION),
                codes(errors(NETS + "log prefix \"a;rm -rf /\" web -> db\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db port 1/tcp port 2/tcp\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_RULE_OPTION), codes(errors(NETS + "allow web -> db port 80/tcp, 79-81/tcp\n")));
        ok(NETS + "allow web -> db port 80/tcp, 80/udp, 81-90/tcp\n");
        Policy p = ok(NETS + "allow web -> db proto tcp, udp port 53\nallow web -> db icmp-type echo-request\n");
        assertEquals("[53/tcp, 53/udp]", p.rules().get(0).services().toString());
        assertEquals("[icmp echo-request]", p.rules().get(1).services().toString());
    }

    @Test
    void addressesAreParsedStrictly() {
        assertEquals(List.of(DiagnosticCode.CIDR_HOST_BITS), codes(errors(NETS + "deny web -> 10.0.0.1/8\n")));
        assertEquals(List.of(DiagnosticCode.INVALID_ADDRESS), codes(errors(NETS + "deny web -> 10.0.0.256\n")));
    }

    @Test
    void aPolicyWithoutRulesHasNone() {
        assertTrue(ok(NETS).rules().isEmpty());
        assertNull(ok(NETS + "allow web -> db\n").rules().get(0).comment());
    }

    private static List<DiagnosticCode> codes(List<Diagnostic> d) {
        return d.stream().map(Diagnostic::code).toList();
    }
}
