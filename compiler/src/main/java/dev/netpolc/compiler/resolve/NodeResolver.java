package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Family;
import dev.netpolc.ir.IpAddr;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves {@code node} blocks, the hosts of a multi-host policy: each needs a unique name and a
 * unicast address that VXLAN tunnels can end at, all of one family; the underlay is optional.
 */
final class NodeResolver {

    private final Diagnostics diags;
    private final Map<String, Node> byName = new LinkedHashMap<>();
    /** The first node's address family, which every other node and every overlay peer must share. */
    private Family family;
    private SourceSpan familySpan;

    NodeResolver(Diagnostics diags) {
        this.diags = diags;
    }

    /** The declared node names, in declaration order (also those whose address was wrong). */
    Set<String> names() {
        return byName.keySet();
    }

    boolean any() {
        return !byName.isEmpty();
    }

    /** The family of the node addresses, or null when no node has a valid address. */
    Family family() {
        return family;
    }

    List<Node> resolve(List<Block> blocks) {
        Map<String, Block> declared = new HashMap<>();
        Map<String, SourceSpan> addresses = new HashMap<>();
        Map<String, String> addressOwner = new HashMap<>();
        List<Node> out = new ArrayList<>();
        for (Block b : blocks) {
            String name = b.name().text();
            var problem = Names.objectNameProblem(name);
            if (problem.isPresent()) {
                diags.report(DiagnosticCode.INVALID_NAME, b.name().span(), "invalid node name: " + problem.get(),
                        Note.help("start with a letter or digit and use only letters, digits, '.', '-' and '_'"));
                continue;
            }
            Block first = declared.putIfAbsent(name, b);
            if (first != null) {
                diags.report(DiagnosticCode.DUPLICATE_NODE, b.name().span(), "node '" + name + "' is declared twice",
                        Note.note("first declared at " + first.name().span()), Note.help("rename or remove one of them"));
                continue;
            }
            IpAddr address = null;
            String underlay = null;
            boolean usable = true;
            for (Attr a : b.attrs()) {
                Value v = a.value();
                if (a.key().equals("address")) {
                    address = address(v, name, addresses, addressOwner);
                    usable &= address != null;
                } else if (a.key().equals("underlay")) {
                    var ifProblem = Names.interfaceNameProblem(v.text());
                    if (ifProblem.isPresent()) {
                        diags.report(DiagnosticCode.INVALID_INTERFACE_NAME, v.textSpan(), ifProblem.get(),
                                Note.help("use at most 15 ASCII letters, digits, '.', '-' or '_'"));
                        usable = false;
                    } else {
                        underlay = v.text();
                    }
                }
            }
            boolean hasAddress = b.attrs().stream().anyMatch(a -> a.key().equals("address"));
            if (!hasAddress && !b.incomplete()) {
                diags.report(DiagnosticCode.MISSING_ATTRIBUTE, b.name().span(), "node '" + name + "' has no address",
                        Note.help("add 'address' with the node's address on the underlay network, such as 192.0.2.11"));
            }
            // The name is known even when the node is unusable, so containers on it are not also
            // reported as being on an undefined node.
            byName.put(name, null);
            if (usable && address != null) {
                Node n = new Node(name, address, underlay, b.name().span());
                byName.put(name, n);
                out.add(n);
            }
        }
        return out;
    }

    private IpAddr address(Value v, String node, Map<String, SourceSpan> addresses, Map<String, String> owner) {
        Addresses.Parsed p = Addresses.address(v.text());
        if (!p.ok()) {
            diags.report(DiagnosticCode.INVALID_NODE_ADDRESS, v.span(), "invalid address for node '" + node + "': "
                    + p.error(), Note.help("write the node's address on the underlay network, such as 192.0.2.11"));
            return null;
        }
        Ip a = p.address();
        String unusable = a.isZero() ? "the unspecified address"
                : a.isLoopback() ? "a loopback address"
                : a.isMulticast() ? "a multicast address"
                : a.isIPv4() && a.isMax() ? "the broadcast address"
                : a.isIPv6() && a.isLinkLocal() ? "a link-local address" : null;
        if (unusable != null) {
            diags.report(DiagnosticCode.INVALID_NODE_ADDRESS, v.span(), "node '" + node + "' has address " + Addresses.ir(a)
                    + ", " + unusable + ", which cannot end a VXLAN tunnel",
                    Note.help("write the node's unicast address on the underlay network, such as 192.0.2.11"));
            return null;
        }
        IpAddr ir = Addresses.ir(a);
        SourceSpan earlier = addresses.putIfAbsent(ir.text(), v.span());
        if (earlier != null) {
            diags.report(DiagnosticCode.INVALID_NODE_ADDRESS, v.span(), "address " + ir + " of node '" + node
                    + "' is already the address of node '" + owner.get(ir.text()) + "'",
                    Note.note("first given at " + earlier), Note.help("give each node its own address"));
            return null;
        }
        owner.put(ir.text(), node);
        if (family == null) {
            family = ir.family();
            familySpan = v.span();
        } else if (family != ir.family()) {
            diags.report(DiagnosticCode.FAMILY_MISMATCH, v.span(), "node '" + node + "' has an "
                    + label(ir.family()) + " address, but the first node's address is " + label(family),
                    Note.note("the first node address is at " + familySpan),
                    Note.help("VXLAN tunnels between nodes need addresses of one family; use " + label(family)
                            + " addresses for every node"));
            return null;
        }
        return ir;
    }

    /** Checks a container's {@code node}; the node's name, or null (and reported) when it is not declared. */
    String reference(Value v) {
        if (byName.containsKey(v.text())) {
            return v.text();
        }
        List<Note> notes = new ArrayList<>();
        Suggest.didYouMean(v.text(), byName.keySet()).ifPresent(notes::add);
        notes.add(Note.help(byName.isEmpty() ? "declare it with 'node " + v.text() + " { address ADDRESS }'"
                : "declare the node, or use one of: " + String.join(", ", byName.keySet())));
        diags.add(new Diagnostic(DiagnosticCode.UNDEFINED_NODE, DiagnosticCode.UNDEFINED_NODE.defaultSeverity(), v.span(),
                "undefined node '" + Names.printable(v.text()) + "'", notes));
        return null;
    }

    static String label(Family f) {
        return f == Family.IPV4 ? "IPv4" : "IPv6";
    }
}
