package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.junit.jupiter.api.Test;

/**
 * The direct reading of a command line against commons-cli's: whenever {@link Args#direct} takes
 * a command line, commons-cli reads it without error and to the same options, values (in order)
 * and arguments; whenever commons-cli refuses one, the direct path leaves it to commons-cli.
 */
class ArgsTest {

    private static final List<Command> COMMANDS = List.of(new CompileCommand(), new LintCommand(), new DiffCommand(),
            new InspectCommand(), new LsCommand(), new ExplainCommand(), ApplyCommand.apply(), ApplyCommand.status());

    /** An option or argument as a comparable line: "--long=value", "--flag" or "arg". */
    private static List<String> described(List<Args.Given> given, List<String> args) {
        List<String> out = new ArrayList<>();
        for (Args.Given g : given) {
            Option o = g.option();
            out.add("--" + (o.getLongOpt() != null ? o.getLongOpt() : o.getOpt()) + (g.value() == null ? "" : "=" + g.value()));
        }
        for (String a : args) {
            out.add(a);
        }
        return out;
    }

    /** The contract for one command line; true when the direct path took it. */
    static boolean check(Options options, String... tokens) {
        Args direct = Args.direct(options, tokens);
        CommandLine line;
        try {
            line = new DefaultParser().parse(options, tokens, false);
        } catch (ParseException e) {
            assertNull(direct, () -> "taken directly, refused by commons-cli (" + e.getMessage() + "): " + List.of(tokens));
            return false;
        }
        if (direct == null) {
            return false;
        }
        List<Args.Given> theirs = new ArrayList<>();
        for (Option o : line.getOptions()) {
            theirs.add(new Args.Given(o, o.getValue()));
        }
        assertEquals(described(theirs, line.getArgList()), described(direct.given(), direct.getArgList()),
                () -> "read differently: " + List.of(tokens));
        for (Option o : options.getOptions()) {
            for (String name : new String[] {o.getOpt(), o.getLongOpt()}) {
                if (name != null) {
                    assertEquals(line.hasOption(name), direct.hasOption(name), name);
                    assertEquals(line.getOptionValue(name, "fallback"), direct.getOptionValue(name, "fallback"), name);
                }
            }
        }
        return true;
    }

    @Test
    void theUsualCommandLinesAreReadDirectly() {
        Options compile = new CompileCommand().options();
        for (String[] tokens : List.of(
                new String[] {"policy.net"},
                new String[] {"-t", "nftables", "policy.net"},
                new String[] {"--target", "iplink", "-o", "out.sh", "policy.net"},
                new String[] {"--target=ip6tables", "policy.net"},
                new String[] {"policy.net", "--target", "nftables"},
                new String[] {"-", "-t", "iptables"},
                new String[] {"--", "-odd-name.net"},
                new String[] {"--help"})) {
            assertTrue(check(compile, tokens), () -> "not read directly: " + List.of(tokens));
        }
        assertTrue(check(new LintCommand().options(), "--enable", "all", "--disable", "np101", "p.net"));
    }

    @Test
    void everythingElseIsLeftToCommonsCli() {
        Options compile = new CompileCommand().options();
        for (String[] tokens : List.of(
                new String[] {"-tnftables", "policy.net"},
                new String[] {"--targ", "nftables", "policy.net"},
                new String[] {"--no-such-option", "policy.net"},
                new String[] {"-t"},
                new String[] {"-t", "-o", "x", "policy.net"},
                new String[] {"-t", "iptables", "-t", "nftables", "policy.net"},
                new String[] {"--help=yes"},
                new String[] {"-x"})) {
            assertTrue(!check(compile, tokens), () -> "read directly: " + List.of(tokens));
        }
        assertNull(Args.direct(compile, new String[] {"-t", "-o", "x"}));
    }

    @Test
    void aUsageErrorIsCommonsClisMessage() {
        ParseException e = org.junit.jupiter.api.Assertions.assertThrows(ParseException.class,
                () -> Args.parse(new CompileCommand().options(), new String[] {"--no-such-option"}));
        assertTrue(e.getMessage().contains("--no-such-option"), e.getMessage());
    }

    /** Every option of every command in its forms, values, arguments and odd tokens. */
    private static List<String> vocabulary(Options options) {
        List<String> v = new ArrayList<>(List.of("policy.net", "x", "-", "--", "-5", "--nope", "-Z", "all", "a=b", "--=x"));
        for (Option o : options.getOptions()) {
            if (o.getLongOpt() != null) {
                v.add("--" + o.getLongOpt());
                v.add("--" + o.getLongOpt() + "=v");
                v.add("--" + o.getLongOpt() + "=");
                v.add("--" + o.getLongOpt().substring(0, Math.max(1, o.getLongOpt().length() - 2)));
            }
            if (o.getOpt() != null) {
                v.add("-" + o.getOpt());
                v.add("-" + o.getOpt() + "v");
                v.add("-" + o.getOpt() + "=v");
            }
        }
        return v;
    }

    @Property(tries = 3000)
    void generatedCommandLines(@ForAll long seed) {
        Random r = new Random(seed);
        Command c = COMMANDS.get(r.nextInt(COMMANDS.size()));
        Options options = c.options();
        List<String> v = vocabulary(options);
        String[] tokens = new String[r.nextInt(7)];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = v.get(r.nextInt(v.size()));
        }
        check(options, tokens);
    }

    /** The generator is worth something only if the direct path takes a fair share of its lines. */
    @Test
    void generatedLinesAreOftenReadDirectly() {
        int taken = 0;
        for (long seed = 0; seed < 1000; seed++) {
            Random r = new Random(seed);
            Command c = COMMANDS.get(r.nextInt(COMMANDS.size()));
            List<String> v = vocabulary(c.options());
            String[] tokens = new String[r.nextInt(7)];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = v.get(r.nextInt(v.size()));
            }
            if (check(c.options(), tokens)) {
                taken++;
            }
        }
        assertTrue(taken > 100, "the direct path took only " + taken + " of 1000");
        assertNotNull(Args.direct(new CompileCommand().options(), new String[0]));
    }
}
