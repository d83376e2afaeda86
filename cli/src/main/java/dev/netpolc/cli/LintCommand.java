package dev.netpolc.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.netpolc.compiler.CompileResult;
import dev.netpolc.compiler.diag.DiagnosticRenderer;
import dev.netpolc.compiler.lint.Checks;
import dev.netpolc.compiler.lint.LintCheck;
import dev.netpolc.compiler.lint.Linter;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Severity;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.stream.Stream;


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
        return "lint [--format text|json|sarif] [--fail-on error|warning|note] [--enable ID,...] [--disable ID,...]"
                + " [--color auto|always|never] [--check-output] POLICY|DIRECTORY...";
    }

    @Override
    public String details() {
        return "Text goes to standard error, JSON and SARIF to standard output. A DIRECTORY is searched\n"
                + "recursively for *.net files, in sorted order; a file that another linted file includes is\n"
                + "linted as part of it, not again on its own. A file that cannot be read is a finding; the\n"
                + "others are still linted, and the exit code is then 3. Otherwise the exit code is 1 when a\n"
                + "finding reaches the --fail-on severity (default error; --warnings-as-errors is --fail-on\n"
                + "warning), else 0; 2 for usage.\n"
                + "--enable and --disable take warning codes (NP2028, NP3001...), comma-separated, or 'all';\n"
                + "they may be repeated and apply in order. A comment line '# netpolc: ignore NP3010 -- reason'\n"
                + "suppresses those warnings on the next statement (or the block it opens).\n"
                + "--check-output also compiles every target and runs its validator where installed.\n"
                + "Run 'netpolc lint --list-checks' for the checks; each has a page docs/checks/ID.md.\n";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(OutputFormat.option("text", "json", "sarif"));
        o.addOption(Option.builder().longOpt("fail-on").hasArg().argName("SEVERITY")
                .desc("exit 1 when a finding is this severe: error (default), warning or note").get());
        o.addOption(Option.builder("W").longOpt("warnings-as-errors").desc("the same as --fail-on warning").get());
        o.addOption(Option.builder("e").longOpt("enable").hasArg().argName("ID,...").desc("enable warnings (or all)").get());
        o.addOption(Option.builder("d").longOpt("disable").hasArg().argName("ID,...").desc("disable warnings (or all)").get());
        o.addOption(Option.builder().longOpt("color").hasArg().argName("WHEN")
                .desc("colour the text on a terminal: auto (default, honours NO_COLOR), always or never").get());
        o.addOption(Option.builder("c").longOpt("check-output").desc("compile every target and run its validator").get());
        o.addOption(Option.builder().longOpt("list-checks").desc("list the lint checks and exit").get());
        o.addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        return o;
    }

    /** A file that could not be read (or a directory that could not be searched), and why. */
    record Unreadable(String file, String message) {}

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
        Severity failOn = failOn(line);
        boolean failOnGiven = line.hasOption("fail-on") || line.hasOption("warnings-as-errors");
        String colourMode = line.getOptionValue("color", "auto");
        if (!List.of("auto", "always", "never").contains(colourMode)) {
            throw new UsageException("lint: unknown --color '" + colourMode + "'; choose auto, always or never");
        }
        enabledChecks(line, LintConfig.NONE); // a wrong code on the command line is a usage error before anything is read
        Map<Path, LintConfig> configs = new HashMap<>();
        List<Unreadable> unreadable = new ArrayList<>();
        List<String> arguments = expand(line.getArgList(), io, unreadable);

        // compile everything first: a file another linted file includes is linted as part of it
        Map<String, CompileResult> results = new LinkedHashMap<>();
        Set<Path> named = new java.util.HashSet<>();
        for (String arg : arguments) {
            Path real = mainPath(arg, io);
            if (real != null && !named.add(real)) {
                // the same file under another spelling ('p/a.net' and './p/a.net')
                continue;
            }
            try {
                results.put(arg, PolicyInput.compile(arg, io));
            } catch (IOException e) {
                unreadable.add(new Unreadable(PolicyInput.display(arg), "cannot read '" + PolicyInput.display(arg) + "'"
                        + PolicyInput.reason(e)));
            }
        }
        List<Diagnostic> all = new ArrayList<>();
        Map<String, String> sources = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, CompileResult> e : results.entrySet()) {
            if (includedByAnother(e.getKey(), results, io)) {
                continue;
            }
            String arg = e.getKey();
            CompileResult result = e.getValue();
            LintConfig config = LintConfig.find(configDir(arg, io), configs);
            if (!failOnGiven && config.failOn() != null) {
                Severity s = failOn(config.failOn(), false, " in '" + config.file() + "'");
                failOn = s == Severity.WARNING ? s : failOn;
            }
            files.add(PolicyInput.display(arg));
            sources.putAll(result.sources());
            all.addAll(Linter.lint(result, enabledChecks(line, config)));
            if (line.hasOption("check-output") && result.policy() != null) {
                all.addAll(Validators.check(result.policy(), PolicyInput.display(arg), io));
            }
        }
        Collections.sort(all);
        unreadable.sort(java.util.Comparator.comparing(Unreadable::file));
        long errors = all.stream().filter(Diagnostic::isError).count();
        long warnings = all.size() - errors;
        switch (format) {
            case "json":
                io.out().print(json(files, all, errors, warnings, unreadable));
                break;
            case "sarif":
                io.out().print(Sarif.render(all, Main.version(), unreadable));
                break;
            default:
                boolean colour = Terminal.colour(colourMode, System.getenv(), Terminal.isTerminal(2));
                for (Unreadable u : unreadable) {
                    io.err().println(u.file() + ": " + (colour ? "\u001b[1;31merror:\u001b[0m" : "error:") + " " + u.message());
                }
                io.err().print(DiagnosticRenderer.render(all, sources, colour));
                String summary = DiagnosticRenderer.summary(all);
                io.err().println("netpolc: " + (summary.isEmpty() ? "no problems found" : summary) + " in "
                        + files.size() + (files.size() == 1 ? " policy" : " policies")
                        + (unreadable.isEmpty() ? "" : "; " + unreadable.size()
                                + (unreadable.size() == 1 ? " file" : " files") + " could not be read"));
                break;
        }
        io.out().flush();
        if (!unreadable.isEmpty()) {
            return ExitCode.IO_OR_INTERNAL;
        }
        boolean fail = errors > 0 || (failOn != Severity.ERROR && warnings > 0);
        return fail ? ExitCode.POLICY_ERRORS : ExitCode.OK;
    }

    /**
     * The threshold: {@code --fail-on error|warning|note}, with {@code --warnings-as-errors} the same
     * as {@code --fail-on warning}. netpolc has no finding below a warning, so {@code note} fails on
     * any finding, as {@code warning} does.
     */
    private static Severity failOn(Args line) throws UsageException {
        return failOn(line.getOptionValue("fail-on"), line.hasOption("warnings-as-errors"), "");
    }

    private static Severity failOn(String given, boolean warningsAsErrors, String where) throws UsageException {
        Severity s;
        if (given == null) {
            s = Severity.ERROR;
        } else {
            switch (given) {
                case "error":
                    s = Severity.ERROR;
                    break;
                case "warning":
                case "note":
                    s = Severity.WARNING;
                    break;
                default:
                    throw new UsageException("lint: unknown --fail-on '" + given + "'" + where + "; choose error, warning or note");
            }
        }
        if (warningsAsErrors) {
            if (given != null && s == Severity.ERROR) {
                throw new UsageException("lint: --warnings-as-errors is --fail-on warning; it contradicts --fail-on " + given);
            }
            s = Severity.WARNING;
        }
        return s;
    }

    /**
     * The arguments with every directory replaced by the {@code *.net} files below it, sorted by
     * path; a directory that cannot be searched is noted in {@code unreadable}.
     */
    static List<String> expand(List<String> args, Io io, List<Unreadable> unreadable) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            Path p = arg.equals("-") ? null : io.cwd().resolve(arg);
            if (p == null || !Files.isDirectory(p)) {
                if (!out.contains(arg)) {
                    out.add(arg);
                }
                continue;
            }
            List<String> found = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
                walk.filter(f -> f.getFileName().toString().endsWith(".net") && Files.isRegularFile(f))
                        .forEach(f -> found.add(join(arg, p.relativize(f))));
            } catch (IOException | java.io.UncheckedIOException e) {
                IOException cause = e instanceof IOException ? (IOException) e : ((java.io.UncheckedIOException) e).getCause();
                unreadable.add(new Unreadable(arg, "cannot search directory '" + arg + "'" + PolicyInput.reason(cause)));
            }
            found.sort(null);
            for (String f : found) {
                if (!out.contains(f)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    /** {@code dir} and a path below it, as the user would write it ({@code policies/a.net}). */
    private static String join(String dir, Path below) {
        String rel = below.toString().replace('\\', '/');
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    /**
     * Whether another file being linted includes this one (then its findings come with that file's),
     * unless the two include each other. Files are compared by their real paths; standard input and
     * pipes, which have none, are never included.
     */
    private static boolean includedByAnother(String arg, Map<String, CompileResult> results, Io io) {
        Path me = mainPath(arg, io);
        if (me == null) {
            return false;
        }
        for (Map.Entry<String, CompileResult> other : results.entrySet()) {
            Path them = mainPath(other.getKey(), io);
            if (me.equals(them) || !other.getValue().paths().contains(me)) {
                continue;
            }
            if (them == null || !results.get(arg).paths().contains(them)) {
                return true;
            }
        }
        return false;
    }

    /** Where the configuration file is looked for: the policy's directory, or the working directory for a stream. */
    private static Path configDir(String arg, Io io) {
        Path real = mainPath(arg, io);
        return real != null ? real.getParent() : io.cwd();
    }

    /** The real path of a regular policy file, or null for standard input, a pipe or a device. */
    private static Path mainPath(String arg, Io io) {
        if (arg.equals("-")) {
            return null;
        }
        Path p = io.cwd().resolve(arg);
        try {
            return Files.isRegularFile(p) ? p.toRealPath() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Every warning code, then the configuration file's {@code disable} and {@code enable}, then
     * --enable/--disable in the order given: each a comma-separated list of codes, or "all" for
     * every warning. Errors cannot be disabled.
     */
    private static Set<String> enabledChecks(Args line, LintConfig config) throws UsageException {
        Set<String> enabled = new LinkedHashSet<>(Linter.warningCodes());
        String where = config.file() == null ? "" : " in '" + config.file() + "'";
        for (String id : config.disable()) {
            change(enabled, false, id, where);
        }
        for (String id : config.enable()) {
            change(enabled, true, id, where);
        }
        for (Args.Given g : line.given()) {
            Option o = g.option();
            if (!o.getLongOpt().equals("enable") && !o.getLongOpt().equals("disable")) {
                continue;
            }
            for (String part : g.value().split(",", -1)) {
                change(enabled, o.getLongOpt().equals("enable"), part, "");
            }
        }
        return enabled;
    }

    private static void change(Set<String> enabled, boolean enable, String given, String where) throws UsageException {
        Set<String> ids = Linter.warningCodes();
        String id = given.strip().toUpperCase(java.util.Locale.ROOT);
        Set<String> target = id.equals("ALL") ? ids : Set.of(id);
        if (!id.equals("ALL") && !ids.contains(id)) {
            throw new UsageException("lint: unknown warning code '" + given.strip() + "'" + where + (isError(id)
                    ? " (it is an error, which cannot be disabled)" : "") + "; run 'netpolc lint --list-checks'");
        }
        if (enable) {
            enabled.addAll(target);
        } else {
            enabled.removeAll(target);
        }
    }

    private static boolean isError(String id) {
        for (DiagnosticCode c : DiagnosticCode.values()) {
            if (c.id().equals(id)) {
                return c.defaultSeverity() == Severity.ERROR;
            }
        }
        return false;
    }

    static String listChecks() {
        StringBuilder b = new StringBuilder();
        Set<String> listed = new java.util.HashSet<>();
        for (LintCheck c : Checks.ALL) {
            listed.add(c.code().id());
            b.append(String.format("%s  %-7s  %-28s %s%n", c.code().id(), c.code().defaultSeverity().label(), c.name(),
                    c.code().summary()));
        }
        // the compiler's own warnings, which --enable and --disable take too
        for (DiagnosticCode c : DiagnosticCode.values()) {
            if (c.defaultSeverity() == Severity.WARNING && !listed.contains(c.id())) {
                b.append(String.format("%s  %-7s  %-28s %s%n", c.id(), c.defaultSeverity().label(),
                        c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), c.summary()));
            }
        }
        return b.toString();
    }

    static String json(List<String> files, List<Diagnostic> all, long errors, long warnings, List<Unreadable> unreadable) {
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
        if (!unreadable.isEmpty()) {
            ArrayNode us = root.putArray("unreadable");
            for (Unreadable u : unreadable) {
                us.addObject().put("file", u.file()).put("message", u.message());
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
