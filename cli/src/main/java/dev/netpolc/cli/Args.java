package dev.netpolc.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * A command's arguments once parsed against its {@link Options}: the options given, in order,
 * each with its value, and the other arguments.
 *
 * <p>commons-cli's {@link DefaultParser} defines what a command line means. The plain forms,
 * which are nearly every command line ({@code --name}, {@code --name VALUE}, {@code --name=VALUE},
 * {@code -n}, {@code -n VALUE}, {@code --}, {@code -} and other arguments, each option once), are
 * read here directly, and anything else (an unknown or abbreviated option, {@code -nVALUE},
 * bundled flags, a missing or dash-led value, an option given twice) goes to commons-cli, whose
 * messages the usage errors are. {@code ArgsTest} checks that both read every command line the
 * direct path takes alike. The reason is start-up: commons-cli's command line is built from
 * lambdas, and on a JVM without an ahead-of-time cache (Debian 12's JDK 17) the first lambda of
 * a process sets up the method-handle machinery, about 10 ms of a compile.
 */
final class Args {

    /** An option as given: the option, and its value (null for a flag). */
    static final class Given {
        private final Option option;
        private final String value;

        Given(Option option, String value) {
            this.option = option;
            this.value = value;
        }

        Option option() {
            return option;
        }

        String value() {
            return value;
        }
    }

    private final List<Given> given;
    private final List<String> args;

    private Args(List<Given> given, List<String> args) {
        this.given = given;
        this.args = args;
    }

    /** Parses {@code tokens} against {@code options}; a usage error is commons-cli's exception. */
    static Args parse(Options options, String[] tokens) throws ParseException {
        Args direct = direct(options, tokens);
        if (direct != null) {
            return direct;
        }
        CommandLine line = new DefaultParser().parse(options, tokens, false);
        List<Given> given = new ArrayList<>();
        for (Option o : line.getOptions()) {
            given.add(new Given(o, o.getValue()));
        }
        return new Args(given, new ArrayList<>(line.getArgList()));
    }

    /** The plain forms (see the class comment), or null for commons-cli to read. */
    static Args direct(Options options, String[] tokens) {
        List<Option> all = new ArrayList<>(options.getOptions());
        for (Option o : all) {
            if (o.isRequired()) {
                // commons-cli checks these; no command has one
                return null;
            }
        }
        List<Given> given = new ArrayList<>();
        List<String> args = new ArrayList<>();
        boolean onlyArgs = false;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (onlyArgs || t.equals("-") || !t.startsWith("-")) {
                args.add(t);
                continue;
            }
            if (t.equals("--")) {
                onlyArgs = true;
                continue;
            }
            Option o = null;
            String value = null;
            boolean attached = false;
            if (t.startsWith("--")) {
                String name = t.substring(2);
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                    attached = true;
                }
                for (Option c : all) {
                    if (name.equals(c.getLongOpt())) {
                        o = c;
                    }
                }
            } else if (t.length() == 2) {
                String name = t.substring(1);
                for (Option c : all) {
                    if (name.equals(c.getOpt())) {
                        o = c;
                    }
                }
            }
            if (o == null || o.hasOptionalArg() || o.hasArgs() || o.isDeprecated()) {
                return null;
            }
            for (Given g : given) {
                if (g.option == o) {
                    return null;
                }
            }
            if (o.hasArg() && !attached) {
                if (i + 1 >= tokens.length || (tokens[i + 1].startsWith("-") && !tokens[i + 1].equals("-"))) {
                    return null;
                }
                value = tokens[++i];
            } else if (!o.hasArg() && attached) {
                return null;
            }
            given.add(new Given(o, value));
        }
        return new Args(given, args);
    }

    /** Whether the option named {@code name} (short or long) was given. */
    boolean hasOption(String name) {
        return find(name) != null;
    }

    /** The value of the option named {@code name}, or null. */
    String getOptionValue(String name) {
        return getOptionValue(name, null);
    }

    /** The value of the option named {@code name}, or {@code fallback}. */
    String getOptionValue(String name, String fallback) {
        Given g = find(name);
        return g != null && g.value != null ? g.value : fallback;
    }

    /** The arguments that are not options, in order. */
    List<String> getArgList() {
        return args;
    }

    /** The options given, in order. */
    List<Given> given() {
        return given;
    }

    private Given find(String name) {
        for (Given g : given) {
            if (name.equals(g.option.getOpt()) || name.equals(g.option.getLongOpt())) {
                return g;
            }
        }
        return null;
    }
}
