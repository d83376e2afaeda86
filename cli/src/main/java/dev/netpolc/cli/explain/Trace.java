package dev.netpolc.cli.explain;

import java.util.ArrayList;
import java.util.List;

/**
 * What explain found: the question, the packet, every step of its way through the firewall (tables
 * and chains visited, rules that matched, NAT, routing), and the verdict with the rule or chain
 * policy that decided it and the policy line that rule came from.
 */
public final class Trace {

    /** The firewall's verdict; NO_ROUTE when the sender has no route, so no packet reaches the firewall. */
    public enum Verdict { ACCEPT, DROP, REJECT, NO_ROUTE }

    /**
     * One step. {@code kind}: "chain" (a table's chain is entered), "rule" (a rule matched),
     * "policy" (a built-in chain's policy applied), "nat", "route", "note".
     */
    public record Step(String kind, int depth, String table, String chain, String rule, String origin, String detail) {}

    final String target;
    final String from;
    final String to;
    final List<String> endpointNotes = new ArrayList<>();
    String packet;
    /** The packet as the sender sends it, for the JSON form. */
    Packet sent;
    final List<Step> steps = new ArrayList<>();
    Verdict verdict;
    String decidingRule;
    String decidingOrigin;
    String finalSource;
    String finalDestination;
    /** "host" when delivered to a local process, else the device it leaves through; null when not delivered. */
    String deliveredTo;

    Trace(String target, String from, String to) {
        this.target = target;
        this.from = from;
        this.to = to;
    }

    public String target() {
        return target;
    }

    public Verdict verdict() {
        return verdict;
    }

    /** The rule that decided ({@code -A CHAIN ...}), or "policy DROP of filter FORWARD" for a chain policy. */
    public String decidingRule() {
        return decidingRule;
    }

    /** The policy line the deciding rule came from ("policies/x.net:7 network db"), or "" when unknown. */
    public String decidingOrigin() {
        return decidingOrigin;
    }

    /** The source address the destination sees (after SNAT or MASQUERADE). */
    public String finalSource() {
        return finalSource;
    }

    /** The destination after DNAT. */
    public String finalDestination() {
        return finalDestination;
    }

    /** "host" for local delivery, else the interface the packet leaves through; null unless accepted. */
    public String deliveredTo() {
        return deliveredTo;
    }

    public List<Step> steps() {
        return List.copyOf(steps);
    }

    void step(String kind, int depth, String table, String chain, String rule, String origin, String detail) {
        steps.add(new Step(kind, depth, table, chain, rule, origin, detail));
    }

    void note(String detail) {
        step("note", 0, null, null, null, null, detail);
    }

    /** How the endpoints were resolved: the sender first, then the destination. */
    private List<String> notes() {
        List<String> out = new ArrayList<>();
        endpointNotes.stream().filter(n -> n.startsWith("from:")).forEach(out::add);
        endpointNotes.stream().filter(n -> !n.startsWith("from:")).forEach(out::add);
        return out;
    }

    /** The text form: one line per step, nested chains indented. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append("explain ").append(target).append(": from ").append(from).append(" to ").append(to).append('\n');
        for (String n : notes()) {
            b.append("  ").append(n).append('\n');
        }
        if (packet != null) {
            b.append("packet: ").append(packet).append('\n');
        }
        b.append('\n');
        for (Step s : steps) {
            String pad = "  ".repeat(s.depth());
            switch (s.kind()) {
                case "chain" -> b.append(pad).append(s.table()).append(' ').append(s.chain())
                        .append(s.detail() == null ? "" : " (" + s.detail() + ")").append('\n');
                case "rule" -> {
                    b.append(pad).append("  ").append(s.rule()).append('\n');
                    if (s.origin() != null && !s.origin().isEmpty()) {
                        b.append(pad).append("      from ").append(s.origin()).append('\n');
                    }
                    if (s.detail() != null) {
                        b.append(pad).append("      ").append(s.detail()).append('\n');
                    }
                }
                case "policy" -> b.append(pad).append("  ").append(s.detail()).append('\n');
                case "nat" -> b.append(pad).append("  NAT: ").append(s.detail()).append('\n');
                case "route" -> b.append("route: ").append(s.detail()).append('\n');
                default -> b.append(pad).append(s.detail()).append('\n');
            }
        }
        b.append('\n');
        b.append("verdict: ").append(verdict).append('\n');
        if (decidingRule != null) {
            b.append("decided by: ").append(decidingRule).append('\n');
            b.append("policy line: ").append(decidingOrigin == null || decidingOrigin.isEmpty() ? "(none)" : decidingOrigin)
                    .append('\n');
        }
        if (verdict == Verdict.ACCEPT) {
            b.append("arrives: ").append(finalSource).append(" -> ").append(finalDestination)
                    .append("host".equals(deliveredTo) ? " (delivered to the host itself)" : " (out " + deliveredTo + ")")
                    .append('\n');
        }
        return b.toString();
    }

    /** The JSON form (schema netpolc-explain/1, documented in docs/explain.md). */
    public String json() {
        var m = new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
        var root = m.createObjectNode();
        root.put("schema", "netpolc-explain/1");
        root.put("target", target);
        root.put("from", from);
        root.put("to", to);
        var notes = root.putArray("endpoints");
        notes().forEach(notes::add);
        var pk = root.putObject("packet");
        if (sent != null) {
            pk.put("family", sent.family == dev.netpolc.ir.Family.IPV4 ? "ipv4" : "ipv6");
            pk.put("protocol", sent.protocol);
            pk.put("source", sent.source.text());
            pk.put("destination", sent.destination.text());
            if (sent.hasPorts()) {
                pk.put("sourcePort", sent.sourcePort);
                pk.put("destinationPort", sent.destinationPort);
            } else {
                pk.put("icmpType", sent.icmpType);
            }
            pk.put("in", sent.in);
            pk.put("ctstate", "NEW");
        }
        pk.put("text", packet);
        var nat = root.putArray("nat");
        this.steps.stream().filter(s -> s.kind().equals("nat")).forEach(s -> nat.add(s.detail()));
        var steps = root.putArray("steps");
        for (Step s : this.steps) {
            var o = steps.addObject();
            o.put("kind", s.kind());
            o.put("depth", s.depth());
            o.put("table", s.table());
            o.put("chain", s.chain());
            o.put("rule", s.rule());
            o.put("origin", s.origin());
            o.put("detail", s.detail());
        }
        root.put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT));
        root.put("decidedBy", decidingRule);
        root.put("policyLine", decidingOrigin);
        root.put("finalSource", finalSource);
        root.put("finalDestination", finalDestination);
        root.put("deliveredTo", deliveredTo);
        try {
            return m.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
