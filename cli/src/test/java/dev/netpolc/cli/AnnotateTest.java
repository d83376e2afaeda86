package dev.netpolc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * --annotate adds comments and nothing else: without them the output is the default output, every
 * rule has one, and each names a line of the policy that holds the statement it names.
 */
class AnnotateTest {

    private static final Pattern COMMENT = Pattern.compile(" -m comment --comment (\"[^\"]*\"|\\S+)");
    private static final Pattern SOURCE = Pattern.compile("\"?(\\S+\\.net):(\\d+) (.*?)\"?$");

    @TestFactory
    Stream<DynamicTest> annotationsOnlyAddCommentsThatPointAtTheirStatement() {
        return Repo.validPolicies().stream().flatMap(policy -> Targets.hosts(policy).stream().map(node ->
                DynamicTest.dynamicTest(Repo.relative(policy) + Targets.suffix(node), () -> {
            String plain = Run.netpolc(Targets.compile(policy, node)).out();
            String annotated = Run.netpolc(Targets.compile(policy, node, "--annotate")).out();
            // a policy rule's own comment is in the plain output too; annotating puts the source before it
            assertEquals(COMMENT.matcher(plain).replaceAll(""), COMMENT.matcher(annotated).replaceAll(""),
                    "annotation must change nothing but comments");
            for (String line : annotated.lines().filter(l -> l.startsWith("-A ")).toList()) {
                Matcher m = COMMENT.matcher(line);
                assertTrue(m.find(), "a rule without a comment: " + line);
                Matcher src = SOURCE.matcher(m.group(1));
                if (!src.find()) {
                    assertTrue(m.group(1).contains("built-in (Docker layout)") || m.group(1).contains("built-in (owned layout)")
                            || m.group(1).contains("built-in (policy rules: "), line);
                    continue;
                }
                List<String> source = Files.readAllLines(Repo.root().resolve(src.group(1)));
                String declared = source.get(Integer.parseInt(src.group(2)) - 1);
                String statement = src.group(3);
                String verb = statement.split(" ")[0];
                if (List.of("allow", "deny", "reject", "log").contains(verb)) {
                    // a policy rule: the line starts with its verb and holds its arrow
                    assertTrue(declared.strip().startsWith(verb + " ") && declared.contains("->"),
                            "comment '" + statement + "' points at: " + declared);
                    continue;
                }
                String keyword = statement.startsWith("network ") ? statement.substring("network ".length()) : "publish";
                assertTrue(declared.contains(keyword), "comment '" + statement + "' points at: " + declared);
            }
        })));
    }

    @TestFactory
    Stream<DynamicTest> commentsAreSafeForEveryTarget() {
        return Stream.of("a \"quoted\" name", "tab\there", "back\\slash", "x".repeat(400)).map(s ->
                DynamicTest.dynamicTest(s.length() > 40 ? "long" : s, () -> {
                    String safe = dev.netpolc.backend.Comments.safe(s, dev.netpolc.backend.Comments.NFTABLES_MAX);
                    assertTrue(safe.length() <= 128, safe);
                    assertTrue(safe.chars().noneMatch(c -> c == '"' || c == '\\' || c < 0x20), safe);
                }));
    }

}
