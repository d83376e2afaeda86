package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Attr;
import dev.netpolc.compiler.ast.Block;
import dev.netpolc.compiler.ast.Define;
import dev.netpolc.compiler.ast.RuleDecl;
import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.compiler.diag.Suggest;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.ForwardPolicy;
import dev.netpolc.ir.Layout;
import dev.netpolc.ir.HostSettings;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Node;
import dev.netpolc.ir.Policy;
import dev.netpolc.ir.PolicyRule;
import dev.netpolc.ir.SourceSpan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the declarations of a policy (includes already expanded, in order) into the resolved
 * {@link Policy}, reporting every problem it finds. Each pass is linear in the size of the policy
 * (or n log n where it sorts); nothing compares every network with every other.
 */
public final class Resolver {

    private final Diagnostics diags;

    public Resolver(Diagnostics diags) {
        this.diags = diags;
    }

    /** The resolved policy, or null when there were errors (all of them are in the diagnostics). */
    public Policy resolve(List<String> files, List<Block> blocks) {
        return resolve(files, blocks, List.of(), List.of());
    }

    /** The resolved policy with its sets and rules, or null when there were errors. */
    public Policy resolve(List<String> files, List<Block> blocks, List<Define> defines, List<RuleDecl> rules) {
        List<Block> settingsBlocks = new ArrayList<>();
        List<Block> networkBlocks = new ArrayList<>();
        List<Block> containerBlocks = new ArrayList<>();
        List<Block> nodeBlocks = new ArrayList<>();
        for (Block b : blocks) {
            checkAttributes(b);
            switch (b.kind()) {
                case SETTINGS:
                    settingsBlocks.add(b);
                    break;
                case NETWORK:
                    networkBlocks.add(b);
                    break;
                case NODE:
                    nodeBlocks.add(b);
                    break;
                default:
                    containerBlocks.add(b);
                    break;
            }
        }
        InterfaceNames interfaces = new InterfaceNames(diags);
        NetworkResolver networks = new NetworkResolver(diags, interfaces);
        List<Network> resolvedNetworks = networks.resolve(networkBlocks);
        // Uplinks are claimed after the bridges, so an uplink named like a bridge is the one blamed.
        HostSettings settings = settings(settingsBlocks, interfaces);
        networks.claimVxlanDevices();
        NodeResolver nodes = new NodeResolver(diags);
        List<Node> resolvedNodes = nodes.resolve(nodeBlocks);
        networks.checkPeerFamilies(nodes.family());
        ContainerResolver containers = new ContainerResolver(diags, interfaces, networks, nodes);
        List<Container> resolvedContainers = containers.resolve(containerBlocks);
        Set<String> declared = new HashSet<>();
        for (Block b : blocks) {
            if (b.name() != null && (b.kind() == Block.Kind.NETWORK || b.kind() == Block.Kind.CONTAINER)) {
                declared.add(b.name().text());
            }
        }
        List<PolicyRule> resolvedRules = new RuleResolver(diags, resolvedNetworks, resolvedContainers, declared)
                .resolve(defines, rules);
        if (diags.hasErrors()) {
            return null;
        }
        return new Policy(files, settings, resolvedNetworks, resolvedContainers, resolvedNodes, resolvedRules);
    }

    /** Unknown attributes, attributes in the wrong block, and attributes given twice. */
    private void checkAttributes(Block b) {
        List<String> keys = AttributeTable.keys(b.kind());
        Map<String, SourceSpan> seen = new HashMap<>();
        for (Attr a : b.attrs()) {
            if (!keys.contains(a.key())) {
                Block.Kind home = AttributeTable.home(a.key());
                String where = b.kind() == Block.Kind.SETTINGS ? "the settings block"
                        : b.kind().keyword() + " '" + b.name().text() + "'";
                if (home != null) {
                    diags.report(DiagnosticCode.UNKNOWN_ATTRIBUTE, a.keySpan(),
                            "'" + a.key() + "' is not an attribute of a " + b.kind().keyword() + " block (in " + where + ")",
                            Note.help("'" + a.key() + "' belongs in a " + home.keyword() + " block"));
                } else {
                    List<Note> notes = new ArrayList<>();
                    Suggest.didYouMean(a.key(), keys).ifPresent(notes::add);
                    notes.add(Note.help(b.kind().keyword() + " attributes are: " + String.join(", ", keys)));
                    diags.add(new dev.netpolc.ir.Diagnostic(DiagnosticCode.UNKNOWN_ATTRIBUTE,
                            DiagnosticCode.UNKNOWN_ATTRIBUTE.defaultSeverity(), a.keySpan(),
                            "unknown attribute '" + Names.printable(a.key()) + "' in " + where, notes));
                }
                continue;
            }
            if (AttributeTable.REPEATABLE.contains(a.key())) {
                continue;
            }
            SourceSpan first = seen.putIfAbsent(a.key(), a.keySpan());
            if (first != null) {
                diags.report(DiagnosticCode.DUPLICATE_ATTRIBUTE, a.keySpan(), "'" + a.key() + "' is given twice",
                        Note.note("first given at " + first), Note.help("remove one of them"));
            }
        }
    }

    private HostSettings settings(List<Block> blocks, InterfaceNames interfaces) {
        HostSettings d = HostSettings.defaults();
        boolean userlandProxy = d.userlandProxy();
        String chainPrefix = d.chainPrefix();
        ForwardPolicy forwardPolicy = d.forwardPolicy();
        List<String> uplinks = new ArrayList<>();
        String nftTable = d.nftTable();
        Integer uplinkMtu = null;
        Layout layout = d.layout();
        Map<String, SourceSpan> firstUse = new LinkedHashMap<>();
        for (Block b : blocks) {
            for (Attr a : b.attrs()) {
                if (!AttributeTable.SETTINGS.contains(a.key())) {
                    continue;
                }
                // Within one block a repeat is reported by checkAttributes; across blocks, here.
                SourceSpan earlier = firstUse.putIfAbsent(a.key(), a.keySpan());
                if (earlier != null && !inBlock(b, earlier)) {
                    diags.report(DiagnosticCode.DUPLICATE_ATTRIBUTE, a.keySpan(),
                            "'" + a.key() + "' is set in two settings blocks", Note.note("first set at " + earlier),
                            Note.help("keep one setting"));
                    continue;
                }
                Value v = a.value();
                switch (a.key()) {
                    case "userland-proxy":
                        Boolean on = Values.toggle(diags, v);
                        if (on != null) {
                            userlandProxy = on;
                        }
                        break;
                    case "chain-prefix":
                        var problem = Names.chainPrefixProblem(v.text());
                        if (problem.isPresent()) {
                            diags.report(DiagnosticCode.INVALID_CHAIN_PREFIX, v.span(), problem.get(),
                                    Note.help("use a short upper-case word such as NETPOL"));
                        } else {
                            chainPrefix = v.text();
                        }
                        break;
                    case "forward-policy":
                        String p = v.text().toLowerCase(Locale.ROOT);
                        if (p.equals("drop") && v.text().equals(p)) {
                            forwardPolicy = ForwardPolicy.DROP;
                        } else if (p.equals("accept") && v.text().equals(p)) {
                            forwardPolicy = ForwardPolicy.ACCEPT;
                        } else {
                            diags.report(DiagnosticCode.INVALID_VALUE, v.span(),
                                    "forward-policy must be 'drop' or 'accept', not '" + Names.printable(v.text()) + "'",
                                    Note.help("Docker sets drop when it turns forwarding on; write 'forward-policy drop'"));
                        }
                        break;
                    case "nft-table":
                        var tableProblem = Names.nftTableProblem(v.text());
                        if (tableProblem.isPresent()) {
                            diags.report(DiagnosticCode.INVALID_VALUE, v.span(), tableProblem.get(),
                                    Note.help("use a short name such as netpolc"));
                        } else {
                            nftTable = v.text();
                        }
                        break;
                    case "layout":
                        Layout l = Layout.of(v.text());
                        if (l == null) {
                            diags.report(DiagnosticCode.INVALID_VALUE, v.span(),
                                    "layout must be 'docker' or 'owned', not '" + Names.printable(v.text()) + "'",
                                    Note.help("write 'layout owned' to keep every rule in netpolc's own chains, or"
                                            + " 'layout docker' for Docker's places"));
                        } else {
                            layout = l;
                        }
                        break;
                    case "uplink-mtu":
                        uplinkMtu = Values.integer(diags, v, "uplink-mtu", 68, 65535);
                        break;
                    case "uplink":
                        for (Value u : a.values()) {
                            if (interfaces.claim(u.text(), u.textSpan(), "uplink")) {
                                uplinks.add(u.text());
                            }
                        }
                        break;
                    default:
                        throw new IllegalStateException("unhandled settings attribute " + a.key());
                }
            }
        }
        return new HostSettings(userlandProxy, chainPrefix, forwardPolicy, uplinks, nftTable, uplinkMtu, layout,
                blocks.isEmpty() ? SourceSpan.BUILTIN : blocks.get(0).keywordSpan());
    }

    private static boolean inBlock(Block b, SourceSpan span) {
        return b.attrs().stream().anyMatch(a -> a.keySpan().equals(span));
    }
}
