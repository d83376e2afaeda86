package dev.netpolc.compiler;

import static dev.netpolc.compiler.Compile.codes;
import static dev.netpolc.compiler.Compile.single;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netpolc.ir.Container;
import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.Network;
import dev.netpolc.ir.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** include: order of declarations, files read once, cycles and missing files. */
class IncludeTest {

    @TempDir
    Path dir;

    private void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private CompileResult compile(String main) {
        return PolicyCompiler.compileString("main.net", main, dir);
    }

    private static Policy ok(CompileResult r) {
        assertNotNull(r.policy(), () -> Compile.render(r));
        return r.policy();
    }

    @Test
    void declarationsComeInIncludeOrder() throws IOException {
        write("a.net", "network a1 { subnet 10.1.0.0/24 }\nnetwork a2 {}\n");
        write("b.net", "network b1 {}\ncontainer cb { attach b1 }\n");
        Policy p = ok(compile("""
                network m1 {}
                include "a.net"
                network m2 {}
                include "b.net"
                container cm { attach m1 }
                """));
        assertEquals(List.of("m1", "a1", "a2", "m2", "b1"), p.networks().stream().map(Network::name).toList());
        assertEquals(List.of("cb", "cm"), p.containers().stream().map(Container::name).toList());
        // default subnets follow the expanded order too
        assertEquals("172.17.0.0/16", p.network("m1").orElseThrow().ipv4().cidr().toString());
        assertEquals("172.18.0.0/16", p.network("a2").orElseThrow().ipv4().cidr().toString());
        assertEquals(List.of("main.net", "a.net", "b.net"), p.files());
    }

    @Test
    void aFileIncludedTwiceIsReadOnce() throws IOException {
        write("common.net", "network shared { subnet 10.5.0.0/24 }\n");
        write("x.net", "include \"common.net\"\ncontainer x { attach shared }\n");
        write("y.net", "include \"./common.net\"\ncontainer y { attach shared }\n");
        CompileResult r = compile("include \"x.net\"\ninclude \"y.net\"\ninclude \"common.net\"\n");
        Policy p = ok(r);
        assertEquals(List.of("shared"), p.networks().stream().map(Network::name).toList(),
                "a second read would declare 'shared' twice (NP2004)");
        assertEquals(List.of("x", "y"), p.containers().stream().map(Container::name).toList());
        assertEquals(4, r.sources().size(), r.sources().keySet().toString());
    }

    @Test
    void includesAreRelativeToTheIncludingFile() throws IOException {
        write("sub/a.net", "include \"b.net\"\nnetwork a {}\n");
        write("sub/b.net", "network b {}\n");
        CompileResult r = compile("include \"sub/a.net\"\n");
        Policy p = ok(r);
        assertEquals(List.of("b", "a"), p.networks().stream().map(Network::name).toList());
        assertTrue(r.sources().containsKey("sub/b.net"), r.sources().keySet().toString());
    }

    @Test
    void diagnosticsInAnIncludedFileNameThatFile() throws IOException {
        write("bad.net", "network ok {}\nnetwork bad {\n  subnett 10.0.0.0/24\n}\n");
        CompileResult r = compile("include \"bad.net\"\n");
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.UNKNOWN_ATTRIBUTE);
        assertEquals("bad.net", d.span().file());
        assertEquals(3, d.span().line());
        assertEquals(3, d.span().column());
        assertTrue(Compile.render(r).contains("  subnett 10.0.0.0/24"), "the included file's line is shown");
    }

    @Test
    void aCycleIsNP1007() throws IOException {
        write("a.net", "include \"b.net\"\nnetwork a {}\n");
        write("b.net", "network b {}\ninclude \"a.net\"\n");
        CompileResult r = compile("include \"a.net\"\n");
        assertNull(r.policy());
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.INCLUDE_CYCLE);
        assertEquals("b.net", d.span().file());
        assertEquals(2, d.span().line());
        assertTrue(d.notes().stream().anyMatch(n -> n.message().contains("a.net -> b.net -> a.net")), d.notes().toString());
    }

    @Test
    void aFileIncludingItselfIsNP1007() throws IOException {
        write("self.net", "network s {}\ninclude \"self.net\"\n");
        CompileResult r = PolicyCompiler.compileFile(dir.resolve("self.net"), "self.net");
        assertEquals(List.of(DiagnosticCode.INCLUDE_CYCLE), codes(r.diagnostics()));
    }

    @Test
    void aMissingFileIsNP1006() {
        CompileResult r = compile("network n {}\ninclude \"nope.net\"\n");
        assertNull(r.policy());
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.INCLUDE_NOT_FOUND);
        assertEquals(2, d.span().line());
        assertEquals(9, d.span().column(), "the span covers the quoted file name");
        assertTrue(d.message().contains("nope.net"), d.message());
    }

    @Test
    void includingADirectoryIsNP1006() throws IOException {
        Files.createDirectories(dir.resolve("adir"));
        CompileResult r = compile("include \"adir\"\n");
        assertEquals(List.of(DiagnosticCode.INCLUDE_NOT_FOUND), codes(r.diagnostics()));
    }

    @Test
    void aNetworkDeclaredInTwoFilesIsADuplicate() throws IOException {
        write("a.net", "network n {}\n");
        CompileResult r = compile("network n {}\ninclude \"a.net\"\n");
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.DUPLICATE_NETWORK);
        assertEquals("a.net", d.span().file());
    }

    @Test
    void aCycleThroughTheMainFileIsNP1007() throws IOException {
        write("main.net", "network m {}\ninclude \"a.net\"\n");
        write("a.net", "network a {}\ninclude \"main.net\"\n");
        CompileResult r = PolicyCompiler.compileFile(dir.resolve("main.net"), "main.net");
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.INCLUDE_CYCLE);
        assertEquals("a.net", d.span().file());
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
    }

    @Test
    void includesNestedTooDeepStopWithNP1009() throws IOException {
        int files = 70;
        for (int i = 1; i <= files; i++) {
            String next = i < files ? "include \"f" + (i + 1) + ".net\"\n" : "";
            write("f" + i + ".net", "network n" + i + " { subnet 10." + i + ".0.0/24 }\n" + next);
        }
        CompileResult r = compile("include \"f1.net\"\n");
        Diagnostic d = single(r.diagnostics(), DiagnosticCode.INCLUDE_TOO_DEEP);
        assertEquals(1, r.diagnostics().size(), r.diagnostics().toString());
        assertEquals("f64.net", d.span().file(), "64 nested files are allowed, the 65th is not");
    }
}
