package dev.netpolc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;
import java.util.List;
import java.util.Locale;

/**
 * SARIF 2.1.0, the format code-scanning dashboards read: one run, the rules its results use
 * (stable ids, one per diagnostic code), and one result per diagnostic with a path relative to the directory lint ran
 * in (base {@code %SRCROOT%}, as code-scanning services expect) and a 1-based region.
 */
final class Sarif {

    private Sarif() {}

    static String render(List<Diagnostic> diagnostics, String version) {
        return render(diagnostics, version, List.of());
    }

    /**
     * The report, with the files that could not be read as tool execution notifications of the
     * run's invocation (which then did not succeed).
     */
    static String render(List<Diagnostic> diagnostics, String version, List<LintCommand.Unreadable> unreadable) {
        ObjectNode root = ModelJson.MAPPER.createObjectNode();
        root.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        root.put("version", "2.1.0");
        ObjectNode run = root.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "netpolc");
        driver.put("version", version);
        driver.put("semanticVersion", version);
        // only the rules the results use, in code order: adding a code elsewhere changes no report
        List<DiagnosticCode> used = diagnostics.stream().map(Diagnostic::code).distinct().sorted().toList();
        ArrayNode rules = driver.putArray("rules");
        for (DiagnosticCode code : used) {
            ObjectNode r = rules.addObject();
            r.put("id", code.id());
            r.put("name", ruleName(code));
            r.putObject("shortDescription").put("text", capitalise(code.summary()) + ".");
            r.putObject("defaultConfiguration").put("level", level(code.defaultSeverity()));
            r.put("helpUri", helpUri(code));
            r.putObject("help").put("text", "See docs/" + (code.id().startsWith("NP3") ? "checks/" + code.id() + ".md"
                    : "cli.md (diagnostic codes)") + " in the netpolc repository.");
        }
        if (!unreadable.isEmpty()) {
            ObjectNode invocation = run.putArray("invocations").addObject();
            invocation.put("executionSuccessful", false);
            ArrayNode notes = invocation.putArray("toolExecutionNotifications");
            for (LintCommand.Unreadable u : unreadable) {
                ObjectNode n = notes.addObject();
                n.put("level", "error");
                n.putObject("message").put("text", u.message());
                n.putArray("locations").addObject().putObject("physicalLocation").putObject("artifactLocation")
                        .put("uri", u.file().replace('\\', '/')).put("uriBaseId", "%SRCROOT%");
            }
        }
        ArrayNode results = run.putArray("results");
        for (Diagnostic d : diagnostics) {
            ObjectNode res = results.addObject();
            res.put("ruleId", d.code().id());
            res.put("ruleIndex", used.indexOf(d.code()));
            res.put("level", level(d.severity()));
            StringBuilder text = new StringBuilder(d.message());
            for (Diagnostic.Note n : d.notes()) {
                text.append("\n").append(n.kind().label()).append(": ").append(n.message());
            }
            res.putObject("message").put("text", text.toString());
            if (!d.span().isBuiltin()) {
                ObjectNode loc = res.putArray("locations").addObject().putObject("physicalLocation");
                ObjectNode artifact = loc.putObject("artifactLocation");
                artifact.put("uri", d.span().file().replace('\\', '/'));
                artifact.put("uriBaseId", "%SRCROOT%");
                ObjectNode region = loc.putObject("region");
                region.put("startLine", Math.max(1, d.span().line()));
                region.put("startColumn", Math.max(1, d.span().column()));
                region.put("endColumn", Math.max(1, d.span().column()) + d.span().length());
            }
        }
        try {
            return ModelJson.MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The address of the page that documents a code (SARIF wants an absolute URI): each lint
     * check's own page, the table of codes for the others, below {@link Main#docsUrl()}.
     */
    static String helpUri(DiagnosticCode code) {
        return Main.docsUrl() + helpPage(code);
    }

    /** The page, relative to the docs directory: {@code checks/NP3010.md}, or the table of codes. */
    static String helpPage(DiagnosticCode code) {
        return code.id().startsWith("NP3") ? "checks/" + code.id() + ".md" : "cli.md#diagnostic-codes";
    }

    private static String level(Severity s) {
        return s == Severity.ERROR ? "error" : "warning";
    }

    /** {@code UNDEFINED_NETWORK} becomes {@code UndefinedNetwork}. */
    static String ruleName(DiagnosticCode code) {
        StringBuilder b = new StringBuilder();
        for (String part : code.name().split("_")) {
            b.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    private static String capitalise(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
