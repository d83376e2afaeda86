package dev.netpolc.compiler.lint;

import dev.netpolc.ir.Diagnostic;
import dev.netpolc.ir.DiagnosticCode;
import java.util.List;

/** A lint check: finds something legal but suspicious in a policy that compiled. */
public interface LintCheck {

    /** The stable code of what it reports; its id, default severity and summary come from there. */
    DiagnosticCode code();

    /** A short name for listings, such as {@code unused-network}. */
    String name();

    /** What it finds, for the policy. */
    List<Diagnostic> check(LintContext ctx);
}
