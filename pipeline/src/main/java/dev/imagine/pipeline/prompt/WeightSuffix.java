package dev.imagine.pipeline.prompt;

/**
 * The {@code :1.3)} that ends a weighted group: a colon, optional spaces, an optionally signed run of digits and
 * dots, optional spaces and {@code )}. The run must be a number to be a weight ({@code 1.}, {@code .5} and
 * {@code -0.5} are; {@code .} and {@code 1.2.3} are not), which {@link #valid()} says.
 *
 * @param value the number, or NaN when the run is not one
 * @param end   the index just after the {@code )}
 */
record WeightSuffix(double value, int end) {

    boolean valid() {
        return !Double.isNaN(value);
    }

    /** The suffix that starts at the colon at {@code colon}, or null when none does. */
    static WeightSuffix at(String text, int colon) {
        int j = PythonText.skipSpaces(text, colon + 1);
        StringBuilder number = new StringBuilder();
        if (j < text.length() && (text.charAt(j) == '+' || text.charAt(j) == '-')) {
            number.append(text.charAt(j));
            j++;
        }
        int digitsStart = j;
        while (j < text.length()) {
            int cp = text.codePointAt(j);
            if (cp == '.') {
                number.append('.');
            } else if (PythonText.isDigit(cp)) {
                // Python's float() reads digits of any script; Java's reads ASCII ones.
                number.append((char) ('0' + Character.digit(cp, 10)));
            } else {
                break;
            }
            j += Character.charCount(cp);
        }
        if (j == digitsStart) {
            return null;
        }
        j = PythonText.skipSpaces(text, j);
        if (j >= text.length() || text.charAt(j) != ')') {
            return null;
        }
        return new WeightSuffix(parse(number.toString()), j + 1);
    }

    private static double parse(String number) {
        try {
            return Double.parseDouble(number);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
