package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.Option;
import org.junit.jupiter.api.Test;

/**
 * One meaning per short option across all commands: a letter such as {@code -n} stands for the
 * same long option in every command that has it (or the command has no such letter), so a
 * habit formed with one command never does something else in another. docs/cli.md's table of
 * short options says the same.
 */
class ShortOptionsTest {

    /** Letter to long option to the commands that give the letter that meaning. */
    static Map<String, Map<String, List<String>>> letters() {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        for (Command c : Main.commands()) {
            for (Option o : c.options().getOptions()) {
                if (o.getOpt() != null) {
                    out.computeIfAbsent(o.getOpt(), k -> new TreeMap<>())
                            .computeIfAbsent(o.getLongOpt(), k -> new ArrayList<>()).add(c.name());
                }
            }
        }
        return out;
    }

    @Test
    void everyShortOptionHasOneLongMeaning() {
        List<String> clashes = new ArrayList<>();
        letters().forEach((letter, meanings) -> {
            if (meanings.size() > 1) {
                clashes.add("-" + letter + " is " + meanings);
            }
        });
        assertEquals(List.of(), clashes, "a short option with two long meanings");
    }

    @Test
    void docsListEveryShortOptionWithItsMeaning() throws IOException {
        String doc = Files.readString(Repo.root().resolve("docs/cli.md"));
        int start = doc.indexOf("## Short options");
        assertTrue(start >= 0, "docs/cli.md has a '## Short options' section");
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Map<String, String> documented = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `-(\\w)` \\| `--([\\w-]+)` \\|").matcher(section);
        while (m.find()) {
            documented.put(m.group(1), m.group(2));
        }
        Map<String, String> actual = new TreeMap<>();
        letters().forEach((letter, meanings) -> actual.put(letter, String.join("|", new TreeSet<>(meanings.keySet()))));
        assertEquals(actual, documented, "docs/cli.md's table of short options and the commands' options");
    }
}
