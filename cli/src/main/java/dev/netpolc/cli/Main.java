package dev.netpolc.cli;

import dev.netpolc.compiler.diag.Suggest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;

/**
 * The netpolc program. {@link #run} takes its streams and returns an exit code, so tests call it
 * directly; only {@link #main} exits the JVM.
 */
public final class Main {

    private static final List<Command> COMMANDS = List.of(new CompileCommand(), new LintCommand(), new DiffCommand(),
            new InspectCommand(), new LsCommand(), new ExplainCommand(), ApplyCommand.apply(), ApplyCommand.status());

    private Main() {}

    /** Every command, in the order the overview lists them. */
    static List<Command> commands() {
        return COMMANDS;
    }

    public static void main(String[] args) {
        PrintStream out = Stdout.process();
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        Terminal.processStreams = true;
        int code = run(args, System.in, out, err, Path.of("").toAbsolutePath());
        out.flush();
        err.flush();
        System.out.flush();
        System.err.flush();
        if (dev.netpolc.cli.apply.Apply.hookRegistered()) {
            // apply --confirm registered a shutdown hook (its rollback), which may be running now.
            System.exit(code);
        }
        // Nothing else registers a shutdown hook or leaves work behind, and everything is flushed:
        // halt ends the JVM without its exit sequence, which on JDK 21 and later logs the exit
        // through System.Logger and so initialises java.util.logging, 30 to 40 ms of a 100 ms run.
        Runtime.getRuntime().halt(code);
    }

    /**
     * Runs netpolc with the given arguments and streams; returns the exit code. When {@code out}
     * is a {@link Stdout} whose reader went away (a broken pipe), the command ends with
     * {@link ExitCode#BROKEN_PIPE} whatever it would have returned, as a filter ended by SIGPIPE.
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Path cwd) {
        int code = runCommand(args, in, out, err, cwd);
        out.flush();
        return Stdout.brokenPipe(out) ? ExitCode.BROKEN_PIPE : code;
    }

    private static int runCommand(String[] args, InputStream in, PrintStream out, PrintStream err, Path cwd) {
        Io io = new Io(in, out, err, cwd);
        try {
            return dispatch(args, io);
        } catch (UsageException e) {
            err.println("netpolc: " + e.getMessage());
            err.println("Try 'netpolc --help' for more information.");
            return ExitCode.USAGE;
        } catch (RuntimeException | Error e) {
            err.println("netpolc: internal error: " + e);
            if (System.getenv("NETPOLC_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("netpolc: this is a bug in netpolc; set NETPOLC_DEBUG=1 to see where it happened");
            }
            return ExitCode.IO_OR_INTERNAL;
        }
    }

    private static int dispatch(String[] args, Io io) throws UsageException {
        if (args.length == 0) {
            io.err().print(overview());
            return ExitCode.USAGE;
        }
        String first = args[0];
        switch (first) {
            case "-h":
            case "--help":
                io.out().print(overview());
                return ExitCode.OK;
            case "-V":
            case "--version":
                io.out().println("netpolc " + version());
                return ExitCode.OK;
            case "__training":
                return training(args, io);
            case "__training-apply":
                return trainingApply(args, io);
            case "help":
                if (args.length == 1) {
                    io.out().print(overview());
                    return ExitCode.OK;
                }
                io.out().print(help(command(args[1])));
                return ExitCode.OK;
            default:
                break;
        }
        Command command = command(first);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Args line;
        try {
            line = Args.parse(command.options(), rest);
        } catch (ParseException e) {
            throw new UsageException(command.name() + ": " + lowerFirst(e.getMessage()));
        }
        if (line.hasOption("help")) {
            io.out().print(help(command));
            return ExitCode.OK;
        }
        return command.run(line, io);
    }

    /**
     * The launcher's training run for its class cache (not a user command, not listed): compiles
     * the policy file {@code args[1]} to the targets named after it (every target when none is)
     * and lints it, output discarded, so that the cache holds the classes, and on JDK 25+ the
     * method profiles, of those targets rather than only those of one command.
     */
    private static int training(String[] args, Io io) throws UsageException {
        if (args.length < 2) {
            throw new UsageException("__training takes a policy file and the targets to train");
        }
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Io quiet = new Io(io.in(), nowhere, nowhere, io.cwd());
        List<String> targets = new java.util.ArrayList<>(List.of(args).subList(2, args.length));
        if (targets.isEmpty()) {
            dev.netpolc.backend.Backends.all().forEach(b -> targets.add(b.name()));
        }
        int worst = ExitCode.OK;
        for (String t : targets) {
            worst = Math.max(worst, dispatch(new String[] {"compile", "-t", t, args[1]}, quiet));
        }
        worst = Math.max(worst, dispatch(new String[] {"lint", args[1]}, quiet));
        return worst;
    }

    /**
     * The launcher's training run for the cache of {@code apply} and {@code status} (not a user
     * command, not listed): applies the policy file {@code args[1]} to this process's own network
     * namespace with the backend {@code args[3]}, firewall only, keeping its state in
     * {@code args[2]}; applies it again, asks for its status and takes it down (firewall only,
     * every step: no step reads or deletes links or container namespaces). The launcher runs it
     * under {@code unshare --net --mount}, in a network namespace that is created for the process
     * and goes with it, with an empty tmpfs of its own on {@code /run/netns}; it refuses to run
     * anywhere else ({@link #inNetnsOfItsOwn}, {@link #withNetnsDirOfItsOwn}).
     */
    private static int trainingApply(String[] args, Io io) throws UsageException {
        if (args.length != 4) {
            throw new UsageException("__training-apply takes a policy file, a state directory and a backend");
        }
        if (!inNetnsOfItsOwn()) {
            io.err().println("netpolc: __training-apply runs only in a network namespace of its own (unshare --net),"
                    + " with no link but the loopback");
            return ExitCode.USAGE;
        }
        if (!withNetnsDirOfItsOwn()) {
            io.err().println("netpolc: __training-apply runs only in a mount namespace of its own (unshare --mount)"
                    + " with an empty /run/netns that its parent does not see (a tmpfs mounted there)");
            return ExitCode.USAGE;
        }
        PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        Io quiet = new Io(io.in(), nowhere, nowhere, io.cwd());
        String policy = args[1];
        String state = args[2];
        String backend = args[3];
        String[][] lines = {
            {"apply", "--firewall-only", "--backend", backend, "--state-dir", state, policy},
            {"apply", "--firewall-only", "--backend", backend, "--state-dir", state, policy},
            {"status", "--firewall-only", "--backend", backend, "--state-dir", state, policy},
            {"apply", "--down", "--firewall-only", "--state-dir", state},
        };
        int worst = ExitCode.OK;
        for (String[] line : lines) {
            worst = Math.max(worst, dispatch(line, quiet));
        }
        return worst;
    }

    /**
     * Whether this process runs in a network namespace made for it, as under {@code unshare --net}
     * (which execs the JVM in the namespace it creates): another than its parent's, and holding
     * no link but the loopback. False when either cannot be read.
     */
    private static boolean inNetnsOfItsOwn() {
        try {
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
            if (Files.readSymbolicLink(Path.of("/proc/self/ns/net"))
                    .equals(Files.readSymbolicLink(Path.of("/proc/" + parent + "/ns/net")))) {
                return false;
            }
            // /proc/self/net/dev: two lines of headings, then one line per link ("  lo: 0 0 ...").
            List<String> links = Files.readAllLines(Path.of("/proc/self/net/dev"));
            for (String line : links.subList(Math.min(2, links.size()), links.size())) {
                if (!line.strip().startsWith("lo:")) {
                    return false;
                }
            }
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /**
     * Whether the named network namespaces this process sees are its own: it runs in another
     * mount namespace than its parent, and {@code /run/netns} there is an empty directory on
     * another file system than the one its parent sees at {@code /run/netns} (or at {@code /run}
     * when the parent has none), as after the launcher's {@code unshare --mount} and its tmpfs. So
     * no namespace of the machine can be listed, entered or deleted by name, and a name created
     * here is not seen outside. False when any of it cannot be read.
     */
    static boolean withNetnsDirOfItsOwn() {
        try {
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
            Path proc = Path.of("/proc/" + parent);
            if (Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).equals(Files.readSymbolicLink(proc.resolve("ns/mnt")))) {
                return false;
            }
            Path dir = Path.of("/run/netns");
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try (var entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    return false;
                }
            }
            // /proc/PID/root is the parent's view of the file system, in its mount namespace.
            Path theirs = proc.resolve("root/run/netns");
            if (!Files.exists(theirs)) {
                theirs = proc.resolve("root/run");
            }
            Object mine = Files.getAttribute(dir, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return !mine.equals(Files.getAttribute(theirs, "unix:dev"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
            return false;
        }
    }

    private static Command command(String name) throws UsageException {
        for (Command c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        String hint = Suggest.closest(name, COMMANDS.stream().map(Command::name).toList())
                .map(c -> "; did you mean '" + c + "'?").orElse("");
        throw new UsageException("unknown command '" + name + "'" + hint);
    }

    static String overview() {
        StringBuilder b = new StringBuilder();
        b.append("netpolc ").append(version()).append(": a compiler for container network policy\n\n");
        b.append("usage: netpolc COMMAND [OPTIONS] POLICY\n");
        b.append("       netpolc help COMMAND | --help | --version\n\n");
        b.append("commands:\n");
        for (Command c : COMMANDS) {
            b.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        b.append("\nexit codes: 0 ok, 1 the policy has errors, 2 usage, 3 I/O or internal error,\n"
                + "            141 standard output was closed by its reader (a broken pipe)\n");
        b.append("Run 'netpolc help COMMAND' for a command's options.\n");
        return b.toString().replace("\r\n", "\n");
    }

    static String help(Command c) {
        StringBuilder b = new StringBuilder();
        b.append("usage: netpolc ").append(c.synopsis()).append("\n");
        b.append(c.summary()).append("\n\noptions:\n");
        for (Option o : c.options().getOptions()) {
            String names = (o.getOpt() == null ? "    " : "-" + o.getOpt() + ", ") + "--" + o.getLongOpt()
                    + (o.hasArg() ? " " + o.getArgName() : "");
            b.append(String.format("  %-24s %s%n", names, o.getDescription()));
        }
        b.append("\n").append(c.details());
        return b.toString().replace("\r\n", "\n");
    }

    /**
     * The base address of the documentation (ending in '/'), which SARIF rules link to:
     * {@code NETPOLC_DOCS_URL} when set, else the build's {@code netpolc.docs.url}.
     */
    static String docsUrl() {
        String env = System.getenv("NETPOLC_DOCS_URL");
        String url = env != null && !env.isBlank() ? env : property("docs.url", "https://netpolc.example/docs/");
        return url.endsWith("/") ? url : url + "/";
    }

    private static String property(String key, String fallback) {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return fallback;
        }
        return p.getProperty(key, fallback);
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    private static String lowerFirst(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
