package dev.netpolc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.netpolc.compiler.diag.DiagnosticRenderer;
import dev.netpolc.ir.Attachment;
import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.nio.file.Path;
import java.util.List;

/** Small helpers shared by the compiler tests: compile a policy text and look things up in the result. */
final class Compile {

    static final String FILE = "test.net";

    private Compile() {}

    static CompileResult result(String text) {
        return PolicyCompiler.compileString(FILE, text, Path.of("."));
    }

    /** Compiles a policy that must have no error; a failure shows the rendered diagnostics. */
    static Policy ok(String text) {
        CompileResult r = result(text);
        if (r.policy() == null) {
            fail("expected the policy to compile, but got:\n" + DiagnosticRenderer.render(r.diagnostics(), r.sources()));
        }
        return r.policy();
    }

    /** Compiles a policy that must fail, and returns its diagnostics. */
    static List<Diagnostic> errors(String text) {
        CompileResult r = result(text);
        if (r.policy() != null) {
            fail("expected errors, but the policy compiled; diagnostics:\n"
                    + DiagnosticRenderer.render(r.diagnostics(), r.sources()));
        }
        return r.diagnostics();
    }

    static List<DiagnosticCode> codes(List<Diagnostic> diags) {
        return diags.stream().map(Diagnostic::code).toList();
    }

    static String render(CompileResult r) {
        return DiagnosticRenderer.render(r.diagnostics(), r.sources());
    }

    static Container container(Policy p, String name) {
        return p.container(name).orElseThrow(() -> new AssertionError("no container " + name));
    }

    static Network network(Policy p, String name) {
        return p.network(name).orElseThrow(() -> new AssertionError("no network " + name));
    }

    /** The attachment of a container to a network. */
    static Attachment at(Policy p, String container, String network) {
        return container(p, container).attachments().stream().filter(a -> a.network().equals(network)).findFirst()
                .orElseThrow(() -> new AssertionError(container + " is not attached to " + network));
    }

    static String ipv4(Policy p, String container, String network) {
        Attachment a = at(p, container, network);
        assertNotNull(a.ipv4(), container + " has no IPv4 address on " + network);
        return a.ipv4().text();
    }

    static String ipv6(Policy p, String container, String network) {
        Attachment a = at(p, container, network);
        assertNotNull(a.ipv6(), container + " has no IPv6 address on " + network);
        return a.ipv6().text();
    }

    /** Exactly one diagnostic with this code, returned. */
    static Diagnostic single(List<Diagnostic> diags, DiagnosticCode code) {
        List<Diagnostic> matching = diags.stream().filter(d -> d.code() == code).toList();
        assertEquals(1, matching.size(), () -> "expected exactly one " + code.id() + " in " + diags);
        return matching.get(0);
    }
}
