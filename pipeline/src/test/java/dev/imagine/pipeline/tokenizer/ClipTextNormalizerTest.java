package dev.imagine.pipeline.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Expected values come from Python: {@code ftfy.fix_text} (ftfy 6.3.1) and {@code whitespace_clean(...).lower()}. */
class ClipTextNormalizerTest {

    @Test
    void fixText_uncurlsQuotes() {
        assertThat(ClipTextNormalizer.fixText("\u201CCurly\u201D \u2018quotes\u2019 it\u2019s"))
                .isEqualTo("\"Curly\" 'quotes' it's");
    }

    @Test
    void fixText_splitsLatinLigatures() {
        assertThat(ClipTextNormalizer.fixText("\uFB01ne \uFB02ower \uFB00 \u0133 \u01C6"))
                .isEqualTo("fine flower ff ij d\u017E");
    }

    @Test
    void fixText_replacesFullwidthAndHalfwidthForms() {
        assertThat(ClipTextNormalizer.fixText("\uFF26\uFF35\uFF2C\uFF2C\u3000\uFF57\uFF49\uFF44\uFF54\uFF48\uFF01 \uFF76\uFF9E"))
                .isEqualTo("FULL width! \u30AC");
    }

    @Test
    void fixText_decodesHtmlEntitiesLikeFtfy() {
        assertThat(ClipTextNormalizer.fixText("&amp; &lt;3 &eacute; &EACUTE; &#x2019; &#8217; &#59; &nbsp;x"))
                .isEqualTo("& <3 \u00E9 \u00C9 ' ' &#59; \u00A0x");
    }

    @Test
    void fixText_keepsEntitiesFromTheFirstLineWithALessThanSignOn() {
        assertThat(ClipTextNormalizer.fixText("a <b> &amp; b")).isEqualTo("a <b> &amp; b");
        assertThat(ClipTextNormalizer.fixText("x &amp;\ny <\n&amp;")).isEqualTo("x &\ny <\n&amp;");
    }

    @Test
    void fixText_removesTerminalEscapesAndControlCharacters() {
        assertThat(ClipTextNormalizer.fixText("\u001B[31mred\u001B[0m")).isEqualTo("red");
        assertThat(ClipTextNormalizer.fixText("a\u0000b\u0007c\u007Fd\uFEFFe")).isEqualTo("abcde");
    }

    @Test
    void fixText_readsC1ControlsAsWindows1252() {
        assertThat(ClipTextNormalizer.fixText("\u0093quoted\u0094 \u0085")).isEqualTo("\"quoted\" \u2026");
    }

    @Test
    void fixText_repairsCommonMojibakeButLeavesAmbiguousText() {
        assertThat(ClipTextNormalizer.fixText("caf\u00C3\u00A9 it\u00E2\u20AC\u2122s")).isEqualTo("caf\u00E9 it's");
        assertThat(ClipTextNormalizer.fixText("\u00C3\u2026")).isEqualTo("\u00C3\u2026");
        assertThat(ClipTextNormalizer.fixText("caf\u00E9\u2039\u203A")).isEqualTo("caf\u00E9\u2039\u203A");
    }

    @Test
    void fixText_normalisesLineBreaksAndComposesNfc() {
        assertThat(ClipTextNormalizer.fixText("a\r\nb\u2028c")).isEqualTo("a\nb\nc");
        assertThat(ClipTextNormalizer.fixText("e\u0301")).isEqualTo("\u00E9");
        assertThat(ClipTextNormalizer.fixText("x\uD800y")).isEqualTo("x\uFFFDy");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'  many \t\n spaces  '|many spaces",
            "\u039F\u0394\u039F\u03A3 \u039F\u0394\u039F\u03A3.|\u03BF\u03B4\u03BF\u03C2 \u03BF\u03B4\u03BF\u03C2.",
            "\u03A3 \u0391\u03A3\u0391|\u03C3 \u03B1\u03C3\u03B1",
            "\u0130stanbul|i\u0307stanbul",
            "\u00C3\u2026|\u00E3\u2026"})
    void normalize_isWhitespaceCleanAndPythonLower(String input, String expected) {
        assertThat(ClipTextNormalizer.normalize(input)).isEqualTo(expected);
    }

    @Test
    void htmlEntities_holdTheHtml5ListAndFtfysUpperCaseSpellings() {
        assertThat(HtmlEntities.lookup("eacute")).isEqualTo("\u00E9");
        assertThat(HtmlEntities.lookup("EACUTE")).isEqualTo("\u00C9");
        assertThat(HtmlEntities.lookup("SZLIG")).isEqualTo("SS");
        assertThat(HtmlEntities.lookup("fjlig")).isEqualTo("fj");
        assertThat(HtmlEntities.lookup("nosuchentity")).isNull();
        assertThat(HtmlEntities.size()).isEqualTo(3501);
    }
}
