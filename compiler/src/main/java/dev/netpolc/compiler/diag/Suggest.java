package dev.netpolc.compiler.diag;

import dev.netpolc.ir.Diagnostic.Note;
import java.util.Collection;
import java.util.Optional;

/** "Did you mean" suggestions for misspelt names and keywords. */
public final class Suggest {

    private Suggest() {}

    /**
     * The candidate closest to {@code word}, if it is close enough to be a plausible misspelling:
     * an edit distance (with transpositions) of at most a third of the word's length, at least 1.
     * Ties go to the first candidate in iteration order, so results are deterministic.
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        int limit = Math.max(1, word.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (Math.abs(c.length() - word.length()) > limit) {
                continue;
            }
            int d = distance(word, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    /** A "did you mean" note, when a candidate is close enough. */
    public static Optional<Note> didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates).map(c -> Note.note("did you mean '" + c + "'?"));
    }

    /** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
