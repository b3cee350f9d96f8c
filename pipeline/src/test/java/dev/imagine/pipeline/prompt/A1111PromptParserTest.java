package dev.imagine.pipeline.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.prompt.PromptPart.Text;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples AUTOMATIC1111 documents for {@code parse_prompt_attention} (its doctests and docstring), as
 * vectors, plus the rules they imply. Weights are compared exactly: the web UI's doubles decide which runs join.
 */
class A1111PromptParserTest {

    private static List<PromptPart> parse(String prompt) {
        return A1111PromptParser.parse(prompt);
    }

    private static Text text(String text, double weight) {
        return new Text(text, weight);
    }

    @Test
    void parse_normalText_isOneRunOfWeightOne() {
        assertThat(parse("normal text")).containsExactly(text("normal text", 1.0));
    }

    @Test
    void parse_roundBrackets_multiplyByOnePointOne() {
        assertThat(parse("an (important) word"))
                .containsExactly(text("an ", 1.0), text("important", 1.1), text(" word", 1.0));
    }

    @Test
    void parse_unbalancedBracket_isClosedAtTheEnd() {
        assertThat(parse("(unbalanced")).containsExactly(text("unbalanced", 1.1));
    }

    @Test
    void parse_escapedBrackets_areLiteral() {
        assertThat(parse("\\(literal\\]")).containsExactly(text("(literal]", 1.0));
    }

    @Test
    void parse_neighbouringRunsOfEqualWeight_areJoined() {
        assertThat(parse("(unnecessary)(parens)")).containsExactly(text("unnecessaryparens", 1.1));
    }

    @Test
    void parse_theWebUisNestedExample_givesItsExactWeights() {
        assertThat(parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).")).containsExactly(
                text("a ", 1.0),
                text("house", 1.5730000000000004),
                text(" ", 1.1),
                text("on", 1.0),
                text(" a ", 1.1),
                text("hill", 0.55),
                text(", sun, ", 1.1),
                text("sky", 1.4641000000000006),
                text(".", 1.1));
    }

    @Test
    void parse_explicitWeight_setsTheFactor() {
        assertThat(parse("(abc:3.12)")).containsExactly(text("abc", 3.12));
    }

    @Test
    void parse_squareBrackets_divideByOnePointOne() {
        assertThat(parse("[abc]")).containsExactly(text("abc", 1 / 1.1));
    }

    @Test
    void parse_escapedBackslash_isOneBackslash_andALoneBackslashIsDropped() {
        assertThat(parse("a\\\\b")).containsExactly(text("a\\b", 1.0));
        assertThat(parse("a\\b")).containsExactly(text("ab", 1.0));
        assertThat(parse("\\)\\[")).containsExactly(text(")[", 1.0));
    }

    @Test
    void parse_spacesAroundTheWeight_areAllowed() {
        assertThat(parse("(red : 1.3 )")).containsExactly(text("red ", 1.3));
    }

    @Test
    void parse_weightForms_signedAndWithoutLeadingOrTrailingDigits() {
        assertThat(parse("(a:.5)")).containsExactly(text("a", 0.5));
        assertThat(parse("(a:2.)")).containsExactly(text("a", 2.0));
        assertThat(parse("(a:-1)")).containsExactly(text("a", -1.0));
        assertThat(parse("(a:+0.25)")).containsExactly(text("a", 0.25));
    }

    @Test
    void parse_nestedExplicitWeights_multiply() {
        assertThat(parse("((a:1.5):2)")).containsExactly(text("a", 3.0));
        assertThat(parse("[(a:2)]")).containsExactly(text("a", 2.0 * (1 / 1.1)));
    }

    @Test
    void parse_closingBracketsWithoutAnOpenOne_areText() {
        assertThat(parse("a) b] c")).containsExactly(text("a) b] c", 1.0));
    }

    @Test
    void parse_weightWithoutAnOpenBracket_isText() {
        assertThat(parse("ratio:1.5) done")).containsExactly(text("ratio:1.5) done", 1.0));
    }

    @Test
    void parse_colonsThatAreNoWeight_areText() {
        assertThat(parse("(time: noon)")).containsExactly(text("time: noon", 1.1));
        assertThat(parse("a:b:c")).containsExactly(text("a:b:c", 1.0));
    }

    @Test
    void parse_weightThatIsNoNumber_isText_andItsBracketClosesAsAPlainOne() {
        // The web UI fails here (float("1.2.3")); reading it as text keeps the prompt drawable.
        assertThat(parse("(cat:1.2.3) dog")).containsExactly(text("cat:1.2.3", 1.1), text(" dog", 1.0));
        assertThat(parse("(cat:.)")).containsExactly(text("cat:.", 1.1));
    }

    @Test
    void parse_unclosedBrackets_closeRoundOnesFirstInTheOrderTheyOpened() {
        // round: x1.1 from "(" at 0, then x1.1 from "(" at 1; then square: /1.1
        double expected = 1.0 * 1.1 * 1.1 * (1 / 1.1);
        assertThat(parse("[((a")).containsExactly(text("a", expected));
    }

    @Test
    void parse_break_endsTheChunk_andTakesTheSpacesAroundIt() {
        assertThat(parse("a cat  BREAK  a dog")).containsExactly(text("a cat", 1.0), PromptPart.BREAK,
                text("a dog", 1.0));
    }

    @Test
    void parse_break_mustBeAWholeUpperCaseWord() {
        assertThat(parse("BREAKfast break BREAK_ xBREAK")).containsExactly(text("BREAKfast break BREAK_ xBREAK", 1.0));
    }

    @Test
    void parse_break_nextToPunctuationOrBrackets_stillBreaks() {
        assertThat(parse("a,BREAK,b")).containsExactly(text("a,", 1.0), PromptPart.BREAK, text(",b", 1.0));
        assertThat(parse("(a)BREAK(b)")).containsExactly(text("a", 1.1), PromptPart.BREAK, text("b", 1.1));
    }

    @Test
    void parse_breakAtTheStartOrTwiceInARow_keepsEveryBreak() {
        assertThat(parse("BREAK a")).containsExactly(PromptPart.BREAK, text("a", 1.0));
        assertThat(parse("a BREAK BREAK b")).containsExactly(text("a", 1.0), PromptPart.BREAK, PromptPart.BREAK,
                text("b", 1.0));
    }

    @Test
    void parse_breakInsideBrackets_stillBreaks_andIsNotWeighted() {
        // The web UI would encode the word "break" here with its marker's weight (-1.1); see the class comment.
        assertThat(parse("(a BREAK b)")).containsExactly(text("a", 1.1), PromptPart.BREAK, text("b", 1.1));
    }

    @Test
    void parse_emptyPromptOrOnlyBrackets_isOneEmptyRun() {
        assertThat(parse("")).containsExactly(text("", 1.0));
        assertThat(parse("()[]")).containsExactly(text("", 1.0));
        assertThat(parse("\\")).containsExactly(text("", 1.0));
    }

    @Test
    void parse_unicodeDigitsAndSpaces_areReadAsPythonReadsThem() {
        assertThat(parse("(a:\u0661.\u0665)")).containsExactly(text("a", 1.5));
        assertThat(parse("(a:\u00a01.5\u3000)")).containsExactly(text("a", 1.5));
        assertThat(parse("x\u00a0BREAK\u00a0y")).containsExactly(text("x", 1.0), PromptPart.BREAK, text("y", 1.0));
        assertThat(parse("\u00e9BREAK")).containsExactly(text("\u00e9BREAK", 1.0));
    }

    @Test
    void hasNoSyntax_isTrueOnlyForTextThatReadsAsItself() {
        assertThat(A1111PromptParser.hasNoSyntax("a photograph of an astronaut, 4k: sharp")).isTrue();
        assertThat(A1111PromptParser.hasNoSyntax("a (red) fox")).isFalse();
        assertThat(A1111PromptParser.hasNoSyntax("a BREAK b")).isFalse();
        assertThat(A1111PromptParser.hasNoSyntax("back\\slash")).isFalse();
    }
}
