package dev.imagine.pipeline.prompt;

/**
 * The character classes of Python's {@code re} module on {@code str} patterns, which the web UI's prompt syntax is
 * written in: {@code \s}, {@code \w} (for {@code \b}) and {@code \d} are Unicode-aware there.
 */
final class PythonText {
    private PythonText() {
    }

    /** {@code \s}: Python's {@code str.isspace()} (ASCII and Unicode spaces, including no-break ones and U+0085). */
    static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    /** {@code \w}: letters, numbers of any kind, and the underscore. */
    static boolean isWord(int cp) {
        if (cp == '_' || Character.isLetter(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** {@code \d}: a decimal digit of any script. */
    static boolean isDigit(int cp) {
        return Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER;
    }

    /** The index after the spaces that start at {@code i}. */
    static int skipSpaces(String text, int i) {
        int j = i;
        while (j < text.length() && isSpace(text.codePointAt(j))) {
            j += Character.charCount(text.codePointAt(j));
        }
        return j;
    }
}
