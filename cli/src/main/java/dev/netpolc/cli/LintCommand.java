package dev.netpolc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.diag.DiagnosticRenderer;
import dev.netpolc.compiler.lint.Checks;
import dev.netpolc.compiler.lint.LintCheck;
import dev.netpolc.compiler.lint.Linter;
import dev.netpolc.ir.Diagnostic;


import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code netpolc lint}: every compiler check and the lint checks, in text, JSON or SARIF. */
final class LintCommand implements Command {

    @Override
    public String name() {
        return "lint";
    }

    @Override
    public String summary() {
        return "check policies for errors and suspicious settings; text, JSON or SARIF for CI";
    }

    @Override
    public String synopsis() {
        return "lint [--format text|json|sarif] [--warnings-as-errors] [--enable ID] [--disable ID] [--check-output] POLICY...";
    }

    @Override
    public String details() {
        return "Text goes to standard error, JSON and SARIF to standard output. Exit code 0 when there is no\n"
                + "error (warnings only), 1 when there is one (or a warning, with --warnings-as-errors), 2 for usage.\n"
                + "--enable and --disable take a check id (NP3001...) or 'all'; they apply in order.\n"
                + "--check-output also compiles every target and runs its validator where installed.\n"
                + "Run 'netpolc lint --list-checks' for the checks; each has a page docs/checks/ID.md.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(OutputFormat.option("text", "json", "sarif"));
        o.addOption(Option.builder("W").longOpt("warnings-as-errors").desc("exit 1 on warnings too").get());
        o.addOption(Option.builder("e").longOpt("enable").hasArg().argName("ID").desc("enable a lint check (or all)").get());
        o.addOption(Option.builder("d").longOpt("disable").hasArg().argName("ID").desc("disable a lint check (or all)").get());
        o.addOption(Option.builder("c").longOpt("check-output").desc("compile every target and run its validator").get());
        o.addOption(Option.builder().longOpt("list-checks").desc("list the lint checks and exit").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    @Override
    public int run(Args line, Io io) throws UsageException {
        if (line.hasOption("list-checks")) {
            io.out().print(listChecks());
            return ExitCode.OK;
        }
        String format = OutputFormat.of(line, "lint", "text", "json", "sarif");
        if (line.getArgList().isEmpty()) {
            throw new UsageException("lint: expected at least one POLICY file");
        }
        Set<String> enabled = enabledChecks(line);
        List<Diagnostic> all = new ArrayList<>();
        Map<String, String> sources = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (String arg : line.getArgList()) {
            CompileResult result;
            try {
                result = PolicyInput.compile(arg, io);
            } catch (IOException e) {
                io.err().println("netpolc: cannot read '" + PolicyInput.display(arg) + "'" + PolicyInput.reason(e));
                return ExitCode.IO_OR_INTERNAL;
            }
            files.add(PolicyInput.display(arg));
            sources.putAll(result.sources());
            all.addAll(Linter.lint(result, enabled));
            if (line.hasOption("check-output") && result.policy() != null) {
                all.addAll(Validators.check(result.policy(), PolicyInput.display(arg), io));
            }
        }
        Collections.sort(all);
        long errors = all.stream().filter(Diagnostic::isError).count();
        long warnings = all.size() - errors;
        switch (format) {
            case "json":
                io.out().print(json(files, all, errors, warnings));
                break;
            case "sarif":
                io.out().print(Sarif.render(all, Main.version()));
                break;
            default:
                io.err().print(DiagnosticRenderer.render(all, sources));
                String summary = DiagnosticRenderer.summary(all);
                io.err().println("netpolc: " + (summary.isEmpty() ? "no problems found" : summary) + " in "
                        + files.size() + (files.size() == 1 ? " policy" : " policies"));
                break;
        }
        io.out().flush();
        boolean fail = errors > 0 || (warnings > 0 && line.hasOption("warnings-as-errors"));
        return fail ? ExitCode.POLICY_ERRORS : ExitCode.OK;
    }

    /** All lint checks, then --enable/--disable in the order given ("all" for every check). */
    private static Set<String> enabledChecks(Args line) throws UsageException {
        Set<String> ids = new LinkedHashSet<>();
        Checks.ALL.forEach(c -> ids.add(c.code().id()));
        Set<String> enabled = new LinkedHashSet<>(ids);
        for (Args.Given g : line.given()) {
            Option o = g.option();
            if (!o.getLongOpt().equals("enable") && !o.getLongOpt().equals("disable")) {
                continue;
            }
            String id = g.value().toUpperCase(java.util.Locale.ROOT);
            Set<String> target = id.equals("ALL") ? ids : Set.of(id);
            if (!id.equals("ALL") && !ids.contains(id)) {
                throw new UsageException("lint: unknown check '" + g.value() + "'; run 'netpolc lint --list-checks'");
            }
            if (o.getLongOpt().equals("enable")) {
                enabled.addAll(target);
            } else {
                enabled.removeAll(target);
            }
        }
        return enabled;
    }

    static String listChecks() {
        StringBuilder b = new StringBuilder();
        for (LintCheck c : Checks.ALL) {
            b.append(String.format("%s  %-7s  %-28s %s%n", c.code().id(), c.code().defaultSeverity().label(), c.name(),
                    c.code().summary()));
        }
        return b.toString();
    }

    static String json(List<String> files, List<Diagnostic> all, long errors, long warnings) {
        ObjectNode root = ModelJson.MAPPER.createObjectNode();
        root.put("schema", "netpolc-lint/1");
        ArrayNode fs = root.putArray("policies");
        files.forEach(fs::add);
        ArrayNode ds = root.putArray("diagnostics");
        for (Diagnostic d : all) {
            ObjectNode o = ds.addObject();
            o.put("code", d.code().id());
            o.put("severity", d.severity().label());
            o.put("file", d.span().file());
            o.put("line", d.span().line());
            o.put("column", d.span().column());
            o.put("length", d.span().length());
            o.put("message", d.message());
            ArrayNode notes = o.putArray("notes");
            for (Diagnostic.Note n : d.notes()) {
                notes.addObject().put("kind", n.kind().label()).put("message", n.message());
            }
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("errors", errors);
        summary.put("warnings", warnings);
        try {
            return ModelJson.MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
