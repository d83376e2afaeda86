package dev.netpolc.compiler.resolve;

import dev.netpolc.compiler.ast.Value;
import dev.netpolc.compiler.diag.Diagnostics;
import dev.netpolc.ir.Diagnostic.Note;
import dev.netpolc.ir.DiagnosticCode;

/** Reading simple values (on/off, bounded integers) with a diagnostic when they are wrong. */
final class Values {

    private Values() {}

    /** {@code on} is true, {@code off} false; anything else is reported and gives null. */
    static Boolean toggle(Diagnostics diags, Value v) {
        if (v.text().equals("on") && !v.quoted()) {
            return Boolean.TRUE;
        }
        if (v.text().equals("off") && !v.quoted()) {
            return Boolean.FALSE;
        }
        diags.report(DiagnosticCode.INVALID_VALUE, v.span(),
                "expected 'on' or 'off', found '" + Names.printable(v.text()) + "'",
                Note.help("write 'on' or 'off'"));
        return null;
    }

    /** A decimal integer in [min, max]; anything else is reported and gives null. */
    static Integer integer(Diagnostics diags, Value v, String what, int min, int max) {
        String t = v.text();
        if (!t.matches("[0-9]{1,10}") || v.quoted()) {
            diags.report(DiagnosticCode.INVALID_VALUE, v.span(),
                    what + " must be a whole number, not '" + Names.printable(t) + "'",
                    Note.help("write a number from " + min + " to " + max));
            return null;
        }
        long n = Long.parseLong(t);
        if (n < min || n > max) {
            diags.report(DiagnosticCode.INVALID_VALUE, v.span(), what + " " + n + " is out of range",
                    Note.help("write a number from " + min + " to " + max));
            return null;
        }
        return (int) n;
    }
}
