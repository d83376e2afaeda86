package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;
import dev.netpolc.ir.SourceSpan;
import java.util.HashMap;
import java.util.Map;

/** The host's interface names: each one valid, and each used once (bridges, veths, uplinks). */
final class InterfaceNames {

    private final Diagnostics diags;
    private final Map<String, Owner> owners = new HashMap<>();

    /**
     * Who holds a name: the role in pieces, joined only when a diagnostic needs it (a supplier
     * lambda would be linked at run time on a JVM without an ahead-of-time cache).
     */
    private record Owner(String[] role, SourceSpan span, boolean generated) {
        String words() {
            return String.join("", role);
        }
    }

    InterfaceNames(Diagnostics diags) {
        this.diags = diags;
    }

    /** Validates a name the policy wrote and claims it; false (and reported) when it cannot be used. */
    boolean claim(String name, SourceSpan span, String role) {
        var problem = Names.interfaceNameProblem(name);
        if (problem.isPresent()) {
            diags.report(DiagnosticCode.INVALID_INTERFACE_NAME, span, problem.get(),
                    Note.help("use at most 15 ASCII letters, digits, '.', '-' or '_'"));
            return false;
        }
        Owner first = owners.putIfAbsent(name, new Owner(new String[] {role}, span, false));
        if (first != null) {
            diags.report(DiagnosticCode.DUPLICATE_INTERFACE_NAME, span,
                    "interface name '" + name + "' is already used by " + first.words(),
                    Note.note(first.generated() ? "'" + name + "' is the name netpolc gives it by default (declared at "
                            + first.span() + ")" : "first used at " + first.span()),
                    Note.help("give one of them another name"));
            return false;
        }
        return true;
    }

    /** Whether a generated name is still free; generated names are valid by construction. */
    boolean isFree(String name) {
        return !owners.containsKey(name);
    }

    /** Claims a generated name known to be free. */
    void claimGenerated(String name, SourceSpan span, String... role) {
        owners.put(name, new Owner(role, span, true));
    }
}
