package dev.imagine.pipeline.prompt;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a run of prompt text at the word {@code BREAK}: upper case, not part of a longer word, taken with the
 * spaces on both sides (the web UI's {@code re.split(r"\s*\bBREAK\b\s*", run)}, where the word boundaries are
 * those of the run alone).
 */
final class BreakWord {
    private static final String WORD = "BREAK";

    private BreakWord() {
    }

    /** The pieces between the BREAKs: one more than there are BREAKs, possibly empty. */
    static List<String> split(String run) {
        List<String> pieces = new ArrayList<>();
        int pieceStart = 0;
        int s = 0;
        while (s < run.length()) {
            int word = PythonText.skipSpaces(run, s);
            if (isBreakAt(run, word)) {
                pieces.add(run.substring(pieceStart, s));
                pieceStart = PythonText.skipSpaces(run, word + WORD.length());
                s = pieceStart;
            } else {
                // Spaces not followed by BREAK: no later start inside them can match either.
                s = word > s ? word : s + Character.charCount(run.codePointAt(s));
            }
        }
        pieces.add(run.substring(pieceStart));
        return pieces;
    }

    private static boolean isBreakAt(String run, int i) {
        if (!run.startsWith(WORD, i)) {
            return false;
        }
        boolean boundaryBefore = i == 0 || !PythonText.isWord(run.codePointBefore(i));
        int after = i + WORD.length();
        boolean boundaryAfter = after == run.length() || !PythonText.isWord(run.codePointAt(after));
        return boundaryBefore && boundaryAfter;
    }
}
