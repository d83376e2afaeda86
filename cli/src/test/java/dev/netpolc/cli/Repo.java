package dev.netpolc.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the repository the tests run in, and the policies it holds. */
final class Repo {

    private Repo() {}

    static Path root() {
        String root = System.getProperty("netpolc.root");
        Path p = root != null ? Path.of(root) : Path.of("").toAbsolutePath().getParent();
        if (!Files.isDirectory(p.resolve("policies"))) {
            throw new IllegalStateException("cannot find the repository root (policies/) from " + p);
        }
        return p.toAbsolutePath().normalize();
    }

    static Path policies() {
        return root().resolve("policies");
    }

    static Path golden() {
        return root().resolve("golden-outputs");
    }

    /**
     * Every policy that compiles: every .net file outside policies/invalid and policies/diff, except
     * include fragments (names starting with '_'), which only make sense inside another policy.
     */
    static List<Path> validPolicies() {
        return list(p -> !relative(p).startsWith("invalid/") && !relative(p).startsWith("diff/")
                && !p.getFileName().toString().startsWith("_"));
    }

    /** Every policy under policies/invalid (fragments excluded), each expected to fail. */
    static List<Path> invalidPolicies() {
        return list(p -> relative(p).startsWith("invalid/") && !p.getFileName().toString().startsWith("_"));
    }

    private static List<Path> list(java.util.function.Predicate<Path> keep) {
        try (Stream<Path> s = Files.walk(policies())) {
            return s.filter(p -> p.toString().endsWith(".net")).filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The cases of policies/diff: each a folder with old.net and new.net. */
    static List<Path> diffCases() {
        try (Stream<Path> s = Files.list(policies().resolve("diff"))) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The policy's path below policies/, with '/' separators: {@code docker/a-default-bridge.net}. */
    static String relative(Path policy) {
        return policies().relativize(policy).toString().replace('\\', '/');
    }

    /** The policy's path as a user types it from the repository root: {@code policies/docker/x.net}. */
    static String display(Path policy) {
        return root().relativize(policy).toString().replace('\\', '/');
    }

    /** The golden file's base name for a policy: {@code docker/a-default-bridge}. */
    static String stem(Path policy) {
        String rel = relative(policy);
        return rel.substring(0, rel.length() - ".net".length());
    }
}
