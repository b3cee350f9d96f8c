package dev.imagine.pipeline.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text clean-up the slow {@code CLIPTokenizer} of transformers applies before its pre-token regex when
 * {@code ftfy} is installed: {@code whitespace_clean(ftfy.fix_text(text)).lower()}.
 *
 * <p>{@link #fixText(String)} follows {@code ftfy.fix_text} with its default configuration (ftfy 6.x): the text is cut
 * after every line feed, and every segment is repeatedly run through these fixes, in this order, until nothing
 * changes:
 * <ol>
 *   <li>{@code unescape_html}: named references ending in {@code ;} of the HTML5 list (and upper-case spellings such
 *       as {@code &EACUTE;}) and numeric references {@code &#233;} / {@code &#xE9;}, the way Python's
 *       {@code html.unescape} decodes them. Skipped in the segment that contains a {@code <} and in every segment
 *       after it ("auto" mode).</li>
 *   <li>{@code fix_encoding} (mojibake repair): only a conservative subset, see {@link #fixCommonMojibake(String)}.
 *       ftfy decides with a large statistical "badness" heuristic and tries ten code pages; this class re-decodes
 *       only Latin-1/Windows-1252 mojibake of accented Latin letters and typographic punctuation.</li>
 *   <li>{@code fix_c1_controls}: U+0080..U+009F are read as Windows-1252 bytes.</li>
 *   <li>{@code fix_latin_ligatures}: {@code ﬁ}, {@code ﬂ}, {@code ĳ}, {@code ǆ} and the other Latin ligatures and
 *       digraphs become their letters.</li>
 *   <li>{@code fix_character_width}: fullwidth and halfwidth forms (U+FF01..U+FFEF) become their NFKC form and the
 *       ideographic space U+3000 becomes a space.</li>
 *   <li>{@code uncurl_quotes}: U+02BC, U+2018..U+201B become {@code '}; U+201C..U+201F become {@code "}.</li>
 *   <li>{@code fix_line_breaks}: CR LF, CR, U+2028, U+2029 and U+0085 become LF.</li>
 *   <li>{@code fix_surrogates}: unpaired UTF-16 surrogates become U+FFFD.</li>
 *   <li>{@code remove_terminal_escapes}: ANSI sequences {@code ESC [ digits-and-semicolons letter}.</li>
 *   <li>{@code remove_control_chars}: U+0000..U+0008, U+000B, U+000E..U+001F, U+007F, U+206A..U+206F, U+FEFF,
 *       U+FFF9..U+FFFC are deleted.</li>
 *   <li>NFC normalisation.</li>
 * </ol>
 * Then {@link #whitespaceClean(String)} and a Python-compatible {@link #lowerCase(String)}.
 */
final class ClipTextNormalizer {

    /** ftfy's {@code HTML_ENTITY_RE}: ASCII letters and digits only. */
    private static final Pattern HTML_ENTITY = Pattern.compile("&#?[0-9A-Za-z]{1,24};");
    private static final Pattern DECIMAL_REFERENCE = Pattern.compile("&#([0-9]+);");
    private static final Pattern HEX_REFERENCE = Pattern.compile("&#[xX]([0-9a-fA-F]+);");

    /** ftfy's {@code ANSI_RE}; Python's {@code \d} matches every decimal digit (category Nd), not only ASCII. */
    private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[((?:\\p{Nd}|;)*)([a-zA-Z])");

    /**
     * The characters the {@code regex} module's {@code \s} matches (the Unicode White_Space property), which
     * {@code whitespace_clean} collapses to one space.
     */
    private static final Pattern WHITESPACE_RUN =
            Pattern.compile("[\\t\\n\\x0B\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+");

    /** What Windows-1252 maps the bytes 0x80..0x9F to; the five unassigned bytes keep their Latin-1 meaning. */
    private static final String WINDOWS_1252_C1 =
            "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
                    + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /** Characters after {@code Â}/{@code Ã} that do not by themselves show mojibake. */
    private static final String WEAK_MOJIBAKE_SECOND = "\u00A0\u00AD\u00B7\u00B4\u2013\u2014\u2015\u2026\u2019";

    private ClipTextNormalizer() {}

    /**
     * The full clean-up of the slow CLIP tokenizer: {@code whitespace_clean(ftfy.fix_text(text)).lower()}.
     *
     * @param text raw text (no special token in it)
     * @return the text the pre-token regex runs on
     */
    static String normalize(String text) {
        return lowerCase(whitespaceClean(fixText(text)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // ftfy.fix_text
    // ---------------------------------------------------------------------------------------------------------

    /**
     * {@code ftfy.fix_text(text)} with the default configuration, without the mojibake repair.
     *
     * @param text any text
     * @return the fixed text
     */
    static String fixText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean unescapeHtml = true;
        int pos = 0;
        while (pos < text.length()) {
            int lineFeed = text.indexOf('\n', pos);
            int end = lineFeed < 0 ? text.length() : lineFeed + 1;
            String segment = text.substring(pos, end);
            if (unescapeHtml && segment.indexOf('<') >= 0) {
                // ftfy's "auto" mode: a '<' means the text may be HTML, so entities stay; the decision sticks
                // for the rest of the text.
                unescapeHtml = false;
            }
            out.append(fixSegment(segment, unescapeHtml));
            pos = end;
        }
        return out.toString();
    }

    private static String fixSegment(String segment, boolean unescapeHtml) {
        String text = segment;
        while (true) {
            String original = text;
            if (unescapeHtml) {
                text = unescapeHtml(text);
            }
            text = fixCommonMojibake(text);
            text = fixC1Controls(text);
            text = fixLatinLigatures(text);
            text = fixCharacterWidth(text);
            text = uncurlQuotes(text);
            text = fixLineBreaks(text);
            text = fixSurrogates(text);
            text = removeTerminalEscapes(text);
            text = removeControlChars(text);
            text = Normalizer.normalize(text, Normalizer.Form.NFC);
            if (text.equals(original)) {
                return text;
            }
        }
    }

    static String unescapeHtml(String text) {
        if (text.indexOf('&') < 0) {
            return text;
        }
        Matcher m = HTML_ENTITY.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(unescapeOne(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unescapeOne(String reference) {
        String named = HtmlEntities.lookup(reference.substring(1, reference.length() - 1));
        if (named != null) {
            return named;
        }
        if (!reference.startsWith("&#")) {
            return reference;
        }
        // ftfy runs html.unescape on the reference and keeps it unless the whole of it, semicolon included, was
        // consumed: that is only the case for the plain decimal and hexadecimal forms.
        Matcher decimal = DECIMAL_REFERENCE.matcher(reference);
        Matcher hex = HEX_REFERENCE.matcher(reference);
        String decoded;
        if (decimal.matches()) {
            decoded = characterReference(decimal.group(1), 10);
        } else if (hex.matches()) {
            decoded = characterReference(hex.group(1), 16);
        } else {
            return reference;
        }
        return decoded.indexOf(';') >= 0 ? reference : decoded;
    }

    /** Python's {@code html._replace_charref} for a numeric reference. */
    private static String characterReference(String digits, int radix) {
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        long value;
        if (trimmed.length() > 8) {
            value = Long.MAX_VALUE; // beyond U+10FFFF whatever the digits
        } else {
            value = Long.parseLong(trimmed, radix);
        }
        if (value == 0x00) {
            return "\uFFFD";
        }
        if (value == 0x0D) {
            return "\r";
        }
        if (value >= 0x80 && value <= 0x9F) {
            // Python's html module reads these references as Windows-1252, like fix_c1_controls
            return String.valueOf(WINDOWS_1252_C1.charAt((int) value - 0x80));
        }
        if ((value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) {
            return "\uFFFD";
        }
        int cp = (int) value;
        if (isHtmlInvalidCodePoint(cp)) {
            return "";
        }
        return new String(Character.toChars(cp));
    }

    /** Python's {@code html._invalid_codepoints}. */
    private static boolean isHtmlInvalidCodePoint(int cp) {
        if ((cp >= 0x1 && cp <= 0x8) || (cp >= 0xE && cp <= 0x1F) || (cp >= 0x7F && cp <= 0x9F)
                || (cp >= 0xFDD0 && cp <= 0xFDEF) || cp == 0xB) {
            return true;
        }
        return (cp & 0xFFFE) == 0xFFFE; // U+xFFFE and U+xFFFF of every plane
    }

    /**
     * A conservative subset of ftfy's {@code fix_encoding}: text that was UTF-8 but got decoded as Latin-1 or
     * Windows-1252 ({@code "cafÃ©"}, {@code "itâ€™s"}, {@code "â€œquotedâ€\u009d"}) is decoded again, repeatedly
     * for double encodings. Unlike ftfy there is no statistical "badness" test; instead the whole segment must
     * re-encode (Latin-1 first, then Windows-1252 with its five unassigned bytes passed through) to valid UTF-8 whose
     * multi-byte sequences all start with 0xC2, 0xC3 (U+0080..U+00FF) or 0xE2 (U+2000..U+2FFF: quotes, dashes,
     * ellipsis, symbols). That covers the usual mojibake of accented Latin letters and typographic punctuation and
     * leaves legitimate text such as {@code "café‹›"} alone. Not reproduced: other code pages, segments that mix
     * mojibake with correct non-ASCII text, and the repair of bytes lost as U+FFFD or as spaces.
     */
    static String fixCommonMojibake(String text) {
        String current = text;
        while (true) {
            String fixed = redecodeUtf8Once(current);
            if (fixed.equals(current)) {
                return current;
            }
            current = fixed;
        }
    }

    private static String redecodeUtf8Once(String text) {
        boolean ascii = true;
        for (int i = 0; i < text.length() && ascii; i++) {
            ascii = text.charAt(i) < 0x80;
        }
        if (ascii) {
            return text;
        }
        for (boolean windows1252 : new boolean[] {false, true}) {
            byte[] bytes = windows1252 ? encodeSloppyWindows1252(text) : encodeLatin1(text);
            if (bytes == null) {
                continue;
            }
            String decoded = decodeStrictUtf8(bytes);
            if (decoded == null) {
                continue; // like ftfy: try the next single-byte encoding
            }
            return looksLikeCommonMojibake(text, bytes) ? decoded : text;
        }
        return text;
    }

    private static byte[] encodeLatin1(String text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return null;
            }
            out[i] = (byte) c;
        }
        return out;
    }

    private static byte[] encodeSloppyWindows1252(String text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int b;
            if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
                b = c;
            } else {
                int index = WINDOWS_1252_C1.indexOf(c);
                if (index < 0) {
                    return null;
                }
                b = 0x80 + index;
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static String decodeStrictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * True when every multi-byte sequence of {@code utf8} (the single-byte encoding of {@code text}, so byte i is
     * character i) starts with 0xC2, 0xC3 or 0xE2, and at least one of them is strong evidence: a three-byte
     * sequence ({@code "â€"...}) or a two-byte one whose second character is not one that also follows an accented
     * capital in ordinary text (no-break space, soft hyphen, middle dot, acute accent, dashes, ellipsis,
     * right quote; {@code "Ã…"} stays as written, as in ftfy).
     */
    private static boolean looksLikeCommonMojibake(String text, byte[] utf8) {
        boolean strong = false;
        int i = 0;
        while (i < utf8.length) {
            int b = utf8[i] & 0xFF;
            if (b < 0x80) {
                i++;
            } else if (b == 0xC2 || b == 0xC3) {
                strong |= WEAK_MOJIBAKE_SECOND.indexOf(text.charAt(i + 1)) < 0;
                i += 2;
            } else if (b == 0xE2) {
                strong = true;
                i += 3;
            } else {
                return false;
            }
        }
        return strong;
    }

    static String fixC1Controls(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 && c <= 0x9F) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(WINDOWS_1252_C1.charAt(c - 0x80));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String fixLatinLigatures(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = ligature(c);
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static String ligature(char c) {
        return switch (c) {
            case '\u0132' -> "IJ";
            case '\u0133' -> "ij";
            case '\u0149' -> "\u02BCn";
            case '\u01F1' -> "DZ";
            case '\u01F2' -> "Dz";
            case '\u01F3' -> "dz";
            case '\u01C4' -> "D\u017D";
            case '\u01C5' -> "D\u017E";
            case '\u01C6' -> "d\u017E";
            case '\u01C7' -> "LJ";
            case '\u01C8' -> "Lj";
            case '\u01C9' -> "lj";
            case '\u01CA' -> "NJ";
            case '\u01CB' -> "Nj";
            case '\u01CC' -> "nj";
            case '\uFB00' -> "ff";
            case '\uFB01' -> "fi";
            case '\uFB02' -> "fl";
            case '\uFB03' -> "ffi";
            case '\uFB04' -> "ffl";
            case '\uFB05' -> "\u017Ft";
            case '\uFB06' -> "st";
            default -> null;
        };
    }

    static String fixCharacterWidth(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = null;
            if (c == '\u3000') {
                replacement = " ";
            } else if (c >= '\uFF01' && c <= '\uFFEF') {
                String nfkc = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKC);
                if (!nfkc.equals(String.valueOf(c))) {
                    replacement = nfkc;
                }
            }
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String uncurlQuotes(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            char replacement = 0;
            if (c == '\u02BC' || (c >= '\u2018' && c <= '\u201B')) {
                replacement = '\'';
            } else if (c >= '\u201C' && c <= '\u201F') {
                replacement = '"';
            }
            if (replacement != 0) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append(replacement);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String fixLineBreaks(String text) {
        return text.replace("\r\n", "\n")
                .replace('\r', '\n')
                .replace('\u2028', '\n')
                .replace('\u2029', '\n')
                .replace('\u0085', '\n');
    }

    static String fixSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lone;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    if (out != null) {
                        out.append(c).append(text.charAt(i + 1));
                    }
                    i++;
                    continue;
                }
                lone = true;
            } else {
                lone = Character.isLowSurrogate(c);
            }
            if (lone) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
                out.append('\uFFFD');
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    static String removeTerminalEscapes(String text) {
        if (text.indexOf('\u001b') < 0) {
            return text;
        }
        return ANSI_ESCAPE.matcher(text).replaceAll("");
    }

    static String removeControlChars(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isRemovedControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length()).append(text, 0, i);
                }
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isRemovedControl(char c) {
        return c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
    }

    // ---------------------------------------------------------------------------------------------------------
    // whitespace_clean and lower()
    // ---------------------------------------------------------------------------------------------------------

    /**
     * {@code re.sub(r"\s+", " ", text).strip()} with the {@code regex} module: runs of Unicode white space become one
     * space, then Python's {@code str.strip()} removes leading and trailing white space.
     */
    static String whitespaceClean(String text) {
        String collapsed = WHITESPACE_RUN.matcher(text).replaceAll(" ");
        int start = 0;
        int end = collapsed.length();
        while (start < end && isPythonSpace(collapsed.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(collapsed.charAt(end - 1))) {
            end--;
        }
        return collapsed.substring(start, end);
    }

    /** Python's {@code str.isspace()} for one BMP character. */
    private static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /**
     * Python's {@code str.lower()}: the full Unicode lower-case mapping of every code point (so {@code İ} becomes
     * {@code i} + U+0307) without locale rules, and the Final_Sigma rule for {@code Σ}: it becomes {@code ς} when a
     * cased letter comes before it and none after it, skipping case-ignorable characters on both sides (the rule
     * of CPython's {@code handle_capital_sigma}).
     */
    static String lowerCase(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            String lower;
            if (cp == 0x3A3) {
                lower = isFinalSigma(text, i, next) ? "\u03C2" : "\u03C3";
            } else if (Character.toLowerCase(cp) == cp && !hasSpecialLowerCase(cp)) {
                lower = null;
            } else {
                lower = new String(Character.toChars(cp)).toLowerCase(Locale.ROOT);
            }
            if (lower != null) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 4).append(text, 0, i);
                }
                out.append(lower);
            } else if (out != null) {
                out.appendCodePoint(cp);
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    /** The one unconditional multi-character lower-case mapping of SpecialCasing.txt: U+0130. */
    private static boolean hasSpecialLowerCase(int cp) {
        return cp == 0x130;
    }

    private static boolean isFinalSigma(String text, int sigmaStart, int sigmaEnd) {
        int i = sigmaStart;
        boolean casedBefore = false;
        while (i > 0) {
            int cp = text.codePointBefore(i);
            i -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                casedBefore = isCased(cp);
                break;
            }
        }
        if (!casedBefore) {
            return false;
        }
        int j = sigmaEnd;
        while (j < text.length()) {
            int cp = text.codePointAt(j);
            j += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                return !isCased(cp);
            }
        }
        return true;
    }

    /** Unicode's Cased property: Lowercase, Uppercase or a title-case letter (Java includes Other_Lowercase/Upper). */
    private static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /** Unicode's Case_Ignorable property: marks, formats, modifiers and the Word_Break MidLetter/MidNumLet marks. */
    private static boolean isCaseIgnorable(int cp) {
        switch (Character.getType(cp)) {
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT,
                 Character.MODIFIER_LETTER, Character.MODIFIER_SYMBOL -> {
                return true;
            }
            default -> {
                return switch (cp) {
                    case 0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024, 0x2027, 0xFE13,
                         0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A -> true;
                    default -> false;
                };
            }
        }
    }
}
