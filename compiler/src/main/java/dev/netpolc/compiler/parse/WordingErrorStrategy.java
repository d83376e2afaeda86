package dev.netpolc.compiler.parse;

import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.Token;

/** ANTLR's recovery, with messages that name what was expected in words instead of token names. */
final class WordingErrorStrategy extends DefaultErrorStrategy {

    @Override
    protected void reportNoViableAlternative(Parser parser, NoViableAltException e) {
        Token t = e.getOffendingToken();
        parser.notifyErrorListeners(t, "unexpected " + TokenWords.describe(t) + "; expected "
                + TokenWords.describe(e.getExpectedTokens()), e);
    }

    @Override
    protected void reportInputMismatch(Parser parser, InputMismatchException e) {
        Token t = e.getOffendingToken();
        parser.notifyErrorListeners(t, "unexpected " + TokenWords.describe(t) + "; expected "
                + TokenWords.describe(e.getExpectedTokens()), e);
    }

    @Override
    protected void reportUnwantedToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) {
            return;
        }
        beginErrorCondition(parser);
        Token t = parser.getCurrentToken();
        parser.notifyErrorListeners(t, "unexpected " + TokenWords.describe(t) + "; expected "
                + TokenWords.describe(getExpectedTokens(parser)), null);
    }

    @Override
    protected void reportMissingToken(Parser parser) {
        if (inErrorRecoveryMode(parser)) {
            return;
        }
        beginErrorCondition(parser);
        Token t = parser.getCurrentToken();
        parser.notifyErrorListeners(t, "missing " + TokenWords.describe(getExpectedTokens(parser))
                + " before " + TokenWords.describe(t), null);
    }
}
