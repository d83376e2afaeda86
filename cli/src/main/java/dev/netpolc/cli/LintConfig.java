package dev.netpolc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * lint's optional configuration file, {@code .netpolc.toml}, found by walking up from a policy's
 * directory (the working directory for standard input or a pipe); the nearest one counts:
 *
 * <pre>
 * [lint]
 * disable = ["NP3010"]          # warning codes, or "all"
 * enable  = ["NP3001"]          # applied after disable
 * fail-on = "warning"           # error, warning or note
 * </pre>
 *
 * The command line comes after it: its {@code --enable}/{@code --disable} apply on top, and its
 * {@code --fail-on} (or {@code --warnings-as-errors}) wins.
 */
record LintConfig(Path file, List<String> disable, List<String> enable, String failOn) {

    static final String NAME = ".netpolc.toml";

    /** No file: nothing changes. */
    static final LintConfig NONE = new LintConfig(null, List.of(), List.of(), null);

    /** The configuration that applies to a policy in {@code dir}: the nearest {@link #NAME} up from it. */
    static LintConfig find(Path dir, Map<Path, LintConfig> cache) throws UsageException {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path f = d.resolve(NAME);
            LintConfig known = cache.get(f);
            if (known != null) {
                return known;
            }
            if (Files.isRegularFile(f)) {
                LintConfig c = read(f);
                cache.put(f, c);
                return c;
            }
        }
        return NONE;
    }

    /** Reads one file; a file netpolc cannot use is a usage error that names it. */
    static LintConfig read(Path f) throws UsageException {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new UsageException("lint: cannot use '" + f + "': " + firstLine(e.getMessage()));
        }
        List<String> disable = new ArrayList<>();
        List<String> enable = new ArrayList<>();
        String failOn = null;
        for (Iterator<String> it = root.fieldNames(); it.hasNext();) {
            String table = it.next();
            if (!table.equals("lint") || !root.get(table).isObject()) {
                throw new UsageException("lint: cannot use '" + f + "': unknown table '" + table + "'; netpolc reads [lint]");
            }
        }
        JsonNode lint = root.path("lint");
        for (Iterator<Map.Entry<String, JsonNode>> it = lint.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "disable":
                    codes(f, e, disable);
                    break;
                case "enable":
                    codes(f, e, enable);
                    break;
                case "fail-on":
                    if (!e.getValue().isTextual()) {
                        throw new UsageException("lint: cannot use '" + f + "': fail-on is a string: \"error\", \"warning\" or \"note\"");
                    }
                    failOn = e.getValue().asText();
                    break;
                default:
                    throw new UsageException("lint: cannot use '" + f + "': unknown key '" + e.getKey()
                            + "' in [lint]; the keys are disable, enable and fail-on");
            }
        }
        return new LintConfig(f, List.copyOf(disable), List.copyOf(enable), failOn);
    }

    private static void codes(Path f, Map.Entry<String, JsonNode> e, List<String> into) throws UsageException {
        if (!e.getValue().isArray()) {
            throw new UsageException("lint: cannot use '" + f + "': " + e.getKey() + " is a list of codes, such as [\"NP3010\"]");
        }
        for (JsonNode c : e.getValue()) {
            if (!c.isTextual()) {
                throw new UsageException("lint: cannot use '" + f + "': " + e.getKey() + " holds codes as strings");
            }
            into.add(c.asText());
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "not valid TOML";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
