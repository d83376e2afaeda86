package dev.netpolc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.AbstractDelta;
import com.github.difflib.patch.Patch;
import dev.netpolc.backend.Backend;
import dev.netpolc.backend.Backends;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code netpolc diff}: what a change to a policy does, first as a summary a reviewer can read
 * (objects and attributes changed, with the rules each change adds and removes), then as a
 * unified diff of the generated output. Against a host ({@code --live}) or a dump ({@code --saved})
 * it reports drift: rules the host has that the policy does not, and the reverse; tables and
 * chains netpolc does not own are listed apart and never count as drift.
 */
final class DiffCommand implements Command {

    @Override
    public String name() {
        return "diff";
    }

    @Override
    public String summary() {
        return "show what a policy change does, or how a host differs from a policy";
    }

    @Override
    public String synopsis() {
        return "diff [-t TARGET] [--node NODE] [--format text|json] OLD.net NEW.net | POLICY --saved FILE | POLICY --live [--netns NAME]";
    }

    @Override
    public String details() {
        return "Exit code as diff(1): 0 no difference, 1 differences, 2 trouble (usage, unreadable file, policy errors).\n"
                + "--saved FILE compares with an iptables-save (or, for -t nftables, nft list ruleset) dump;\n"
                + "--live reads the host's rules (in network namespace NAME with --netns).\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("t").longOpt("target").hasArg().argName("TARGET").desc("iptables (default), ip6tables or nftables").get());
        o.addOption(OutputFormat.option("text", "json"));
        o.addOption(Option.builder("s").longOpt("saved").hasArg().argName("FILE").desc("compare with a saved dump").get());
        o.addOption(Option.builder("L").longOpt("live").desc("compare with the host's current rules").get());
        o.addOption(Option.builder("N").longOpt("netns").hasArg().argName("NAME").desc("with --live: inside this network namespace").get());
        o.addOption(Option.builder("n").longOpt("node").hasArg().argName("NODE")
                .desc("the host whose output is compared, required for a policy with nodes").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        String target = line.getOptionValue("target", "iptables");
        Backend backend = Backends.byName(target).orElseThrow(() -> new UsageException("diff: unknown target '" + target
                + "'; targets are: " + Backends.all().stream().map(Backend::name).collect(Collectors.joining(", "))));
        String format = OutputFormat.of(line, "diff", "text", "json");
        List<String> args = line.getArgList();
        boolean host = line.hasOption("saved") || line.hasOption("live");
        if (line.hasOption("saved") && line.hasOption("live")) {
            throw new UsageException("diff: --saved and --live exclude each other");
        }
        if (line.hasOption("netns") && !line.hasOption("live")) {
            throw new UsageException("diff: --netns goes with --live");
        }
        if (args.size() != (host ? 1 : 2)) {
            throw new UsageException(host ? "diff: expected one POLICY with --saved or --live" : "diff: expected OLD.net and NEW.net");
        }
        if (!target.equals("iptables") && !target.equals("ip6tables") && !target.equals("nftables") && host) {
            throw new UsageException("diff: --saved and --live compare firewall targets only");
        }
        String node = line.getOptionValue("node");
        return host ? againstHost(line, backend, node, format, io) : betweenPolicies(args, backend, node, format, io);
    }

    /** The output of one host: a policy with nodes needs --node (as compile does), one without refuses it. */
    private static String render(Backend backend, PolicyInput.Loaded loaded, String argument, String node)
            throws UsageException {
        Policy p = loaded.policy();
        if (node != null && p.node(node).isEmpty()) {
            throw new UsageException("diff: " + (p.nodes().isEmpty() ? "--node " + node + ": " + argument + " declares no nodes"
                    : "unknown node '" + node + "' in " + argument + " (nodes: "
                            + p.nodes().stream().map(dev.netpolc.ir.Node::name).collect(Collectors.joining(", ")) + ")"));
        }
        if (node == null && backend.perNode() && !p.nodes().isEmpty()) {
            throw new UsageException("diff: " + argument + " declares nodes ("
                    + p.nodes().stream().map(dev.netpolc.ir.Node::name).collect(Collectors.joining(", "))
                    + "): choose the host with --node, for example --node " + p.nodes().get(0).name());
        }
        return backend.render(p, new dev.netpolc.backend.RenderOptions(false, node));
    }

    private int betweenPolicies(List<String> args, Backend backend, String node, String format, Io io) throws UsageException {
        PolicyInput.Loaded oldP = PolicyInput.load(args.get(0), io);
        if (oldP.policy() == null) {
            return ExitCode.USAGE;
        }
        PolicyInput.Loaded newP = PolicyInput.load(args.get(1), io);
        if (newP.policy() == null) {
            return ExitCode.USAGE;
        }
        List<String> before = lines(render(backend, oldP, args.get(0), node));
        List<String> after = lines(render(backend, newP, args.get(1), node));
        Patch<String> patch = DiffUtils.diff(before, after);
        List<String> removed = new ArrayList<>();
        List<String> added = new ArrayList<>();
        for (AbstractDelta<String> d : patch.getDeltas()) {
            removed.addAll(d.getSource().getLines());
            added.addAll(d.getTarget().getLines());
        }
        List<ModelDiff.Change> changes = ModelDiff.diff(oldP.policy(), newP.policy());
        String oldName = args.get(0) + " (" + backend.name() + ")";
        String newName = args.get(1) + " (" + backend.name() + ")";
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(oldName, newName, before, patch, 3);
        if (format.equals("json")) {
            io.out().print(json(backend.name(), changes, added, removed, unified));
        } else {
            StringBuilder b = new StringBuilder();
            for (ModelDiff.Change c : changes) {
                b.append(summary(c, added, removed, backend.name())).append('\n');
            }
            if (changes.isEmpty() && !patch.getDeltas().isEmpty()) {
                b.append("~ generated output changed (no change in the resolved model)\n");
            }
            if (!unified.isEmpty()) {
                b.append('\n');
                unified.forEach(l -> b.append(l).append('\n'));
            }
            io.out().print(b);
        }
        io.out().flush();
        return changes.isEmpty() && patch.getDeltas().isEmpty() ? ExitCode.OK : ExitCode.POLICY_ERRORS;
    }

    /** One line a reviewer reads: what changed and which rules it adds and removes. */
    static String summary(ModelDiff.Change c, List<String> added, List<String> removed, String target) {
        String sign = switch (c.change()) {
            case "added" -> "+";
            case "removed" -> "-";
            default -> "~";
        };
        StringBuilder b = new StringBuilder(sign + " " + c.kind() + (c.name().isEmpty() ? "" : " " + c.name()));
        if (c.change().equals("changed")) {
            b.append(": ").append(c.attributes().stream().map(DiffCommand::attribute).collect(Collectors.joining(", ")));
        }
        if (!c.oldWords().isEmpty() || !c.newWords().isEmpty()) {
            String effect = effect(c.oldWords(), c.newWords(), added, removed, target);
            b.append("  (").append(effect.isEmpty() ? "no rule changes" : effect).append(")");
        }
        return b.toString();
    }

    /** "icc on -> off"; an item that appeared is "+publish ...", one that went away "-attach ...". */
    private static String attribute(ModelDiff.Attribute a) {
        if ("-".equals(a.oldValue())) {
            return "+" + a.name() + ("on".equals(a.newValue()) ? "" : " (" + a.newValue().strip() + ")");
        }
        if ("-".equals(a.newValue())) {
            return "-" + a.name() + ("on".equals(a.oldValue()) ? "" : " (" + a.oldValue().strip() + ")");
        }
        return a.name() + " " + a.oldValue().strip() + " -> " + a.newValue().strip();
    }

    /** "+1 DROP, -1 ACCEPT": added lines that name a new word and removed lines that name an old one, by verdict. */
    static String effect(Set<String> oldWords, Set<String> newWords, List<String> added, List<String> removed, String target) {
        Map<String, Integer> plus = count(newWords, added, target);
        Map<String, Integer> minus = count(oldWords, removed, target);
        List<String> parts = new ArrayList<>();
        plus.forEach((k, v) -> parts.add("+" + v + " " + k));
        minus.forEach((k, v) -> parts.add("-" + v + " " + k));
        return String.join(", ", parts);
    }

    private static Map<String, Integer> count(Set<String> words, List<String> lines, String target) {
        Map<String, Integer> m = new TreeMap<>();
        List<Pattern> patterns = words.stream().map(DiffCommand::wordPattern).toList();
        for (String l : lines) {
            if (patterns.stream().anyMatch(p -> p.matcher(l).find())) {
                m.merge(verdict(l, target), 1, Integer::sum);
            }
        }
        return m;
    }

    /** A word that must stand alone: 10.0.0.2 matches in "-d 10.0.0.2/32" and "10.0.0.2:80", not in "10.0.0.20". */
    static Pattern wordPattern(String word) {
        String after = word.contains(".") && !word.contains(":") ? "(?![\\w.-]|:[A-Fa-f0-9]*:)" : "(?![\\w.:-])";
        return Pattern.compile("(?<![\\w.:-])" + Pattern.quote(word) + after);
    }

    private static String verdict(String line, String target) {
        if (target.equals("nftables")) {
            return line.strip().startsWith("elements") || line.contains(" . ") || line.strip().startsWith("\"")
                    ? "set elements" : "nft lines";
        }
        int j = line.indexOf(" -j ");
        if (j < 0) {
            return "lines";
        }
        String rest = line.substring(j + 4);
        int space = rest.indexOf(' ');
        return space < 0 ? rest : rest.substring(0, space);
    }

    private int againstHost(Args line, Backend backend, String node, String format, Io io) throws UsageException {
        PolicyInput.Loaded loaded = PolicyInput.load(line.getArgList().get(0), io);
        if (loaded.policy() == null) {
            return ExitCode.USAGE;
        }
        String ours = render(backend, loaded, line.getArgList().get(0), node);
        String dump;
        String hostName;
        if (line.hasOption("saved")) {
            hostName = line.getOptionValue("saved");
            try {
                dump = Files.readString(io.cwd().resolve(hostName), StandardCharsets.UTF_8);
            } catch (IOException e) {
                io.err().println("netpolc: cannot read '" + hostName + "'" + PolicyInput.reason(e));
                return ExitCode.USAGE;
            }
        } else {
            List<String> cmd = new ArrayList<>();
            if (line.hasOption("netns")) {
                cmd.addAll(List.of("ip", "netns", "exec", line.getOptionValue("netns")));
            }
            cmd.addAll(switch (backend.name()) {
                case "nftables" -> List.of("nft", "list", "ruleset");
                case "ip6tables" -> List.of("ip6tables-save");
                default -> List.of("iptables-save");
            });
            hostName = "host" + (line.hasOption("netns") ? " (netns " + line.getOptionValue("netns") + ")" : "");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
                dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    io.err().println("netpolc: '" + String.join(" ", cmd) + "' failed: " + err.strip());
                    return ExitCode.USAGE;
                }
            } catch (IOException e) {
                io.err().println("netpolc: cannot run '" + String.join(" ", cmd) + "'" + PolicyInput.reason(e));
                return ExitCode.USAGE;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCode.USAGE;
            }
        }
        return backend.name().equals("nftables") ? nftDrift(loaded.policy(), ours, dump, hostName, format, io)
                : iptablesDrift(ours, dump, hostName, format, io);
    }

    private int iptablesDrift(String ours, String dump, String hostName, String format, Io io) {
        RuleDump want = RuleDump.parse(ours);
        RuleDump have = RuleDump.parse(dump);
        Map<String, Set<String>> owned = new LinkedHashMap<>();
        want.chains().forEach((table, chains) -> owned.put(table, new LinkedHashSet<>(chains.keySet())));
        List<String> foreign = new ArrayList<>();
        have.chains().forEach((table, chains) -> {
            if (!owned.containsKey(table)) {
                foreign.add("table " + table);
            } else {
                chains.keySet().stream().filter(c -> !owned.get(table).contains(c)).forEach(c -> foreign.add("chain " + table + " " + c));
            }
        });
        List<String> expected = lines(want.render(owned));
        List<String> actual = lines(have.render(owned));
        return report(expected, actual, foreign, "policy", hostName, format, io);
    }

    private int nftDrift(Policy policy, String ours, String dump, String hostName, String format, Io io) {
        String table = "table inet " + policy.settings().nftTable() + " {";
        String expectedText = ours.substring(ours.indexOf("\n" + table) + 1);
        List<String> foreign = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        boolean inOurs = false;
        for (String l : dump.split("\n")) {
            if (l.startsWith("table ")) {
                inOurs = l.equals(table);
                if (!inOurs) {
                    foreign.add(l.substring(0, l.length() - 2));
                }
            }
            if (inOurs) {
                actual.add(l);
                if (l.equals("}")) {
                    inOurs = false;
                }
            }
        }
        return report(lines(expectedText), actual, foreign, "policy", hostName, format, io);
    }

    private int report(List<String> expected, List<String> actual, List<String> foreign, String expectedName,
            String actualName, String format, Io io) {
        Patch<String> patch = DiffUtils.diff(expected, actual);
        int missing = 0;
        int extra = 0;
        for (AbstractDelta<String> d : patch.getDeltas()) {
            missing += d.getSource().getLines().size();
            extra += d.getTarget().getLines().size();
        }
        List<String> unified = UnifiedDiffUtils.generateUnifiedDiff(expectedName, actualName, expected, patch, 3);
        if (format.equals("json")) {
            ObjectNode root = ModelJson.MAPPER.createObjectNode();
            root.put("schema", "netpolc-drift/1");
            root.put("inSync", patch.getDeltas().isEmpty());
            root.put("missingOnHost", missing);
            root.put("extraOnHost", extra);
            ArrayNode f = root.putArray("foreign");
            foreign.forEach(f::add);
            root.put("unified", String.join("\n", unified));
            io.out().print(toJson(root));
        } else {
            StringBuilder b = new StringBuilder();
            b.append(patch.getDeltas().isEmpty() ? "in sync: the host has exactly the policy's rules\n"
                    : "drift: " + missing + " line(s) of the policy missing on the host, " + extra
                            + " line(s) on the host not in the policy\n");
            if (!foreign.isEmpty()) {
                b.append("not netpolc's (not compared): ").append(String.join(", ", foreign)).append('\n');
            }
            if (!unified.isEmpty()) {
                b.append('\n');
                unified.forEach(l -> b.append(l).append('\n'));
            }
            io.out().print(b);
        }
        io.out().flush();
        return patch.getDeltas().isEmpty() ? ExitCode.OK : ExitCode.POLICY_ERRORS;
    }

    private static String json(String target, List<ModelDiff.Change> changes, List<String> added, List<String> removed,
            List<String> unified) {
        ObjectNode root = ModelJson.MAPPER.createObjectNode();
        root.put("schema", "netpolc-diff/1");
        root.put("target", target);
        ArrayNode cs = root.putArray("changes");
        for (ModelDiff.Change c : changes) {
            ObjectNode o = cs.addObject();
            o.put("kind", c.kind());
            o.put("name", c.name());
            o.put("change", c.change());
            ArrayNode attrs = o.putArray("attributes");
            for (ModelDiff.Attribute a : c.attributes()) {
                attrs.addObject().put("name", a.name()).put("old", a.oldValue()).put("new", a.newValue());
            }
            ObjectNode effect = o.putObject("effect");
            count(c.newWords(), added, target).forEach((k, v) -> effect.put("+" + k, v));
            count(c.oldWords(), removed, target).forEach((k, v) -> effect.put("-" + k, v));
        }
        ObjectNode output = root.putObject("output");
        output.put("added", added.size());
        output.put("removed", removed.size());
        output.put("unified", String.join("\n", unified));
        return toJson(root);
    }

    private static String toJson(ObjectNode root) {
        try {
            return ModelJson.MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(String text) {
        List<String> l = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
            l.remove(l.size() - 1);
        }
        return l;
    }
}
