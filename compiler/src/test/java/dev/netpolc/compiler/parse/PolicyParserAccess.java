package dev.netpolc.compiler.parse;

/** Lets tests in other packages read the parser's package-private settings. */
public final class PolicyParserAccess {

    private PolicyParserAccess() {}

    public static int parallelMinChars() {
        return PolicyParser.PARALLEL_MIN_CHARS;
    }
}
