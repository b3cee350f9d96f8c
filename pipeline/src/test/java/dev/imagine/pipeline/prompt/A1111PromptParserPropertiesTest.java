package dev.imagine.pipeline.prompt;

import static dev.imagine.testing.Generated.choice;
import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.prompt.PromptPart.Text;
import dev.imagine.testing.Generated;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Properties of the A1111 prompt parser over generated prompts (see {@link Generated} to replay a failure). */
class A1111PromptParserPropertiesTest {
    private static final Pattern BREAK_WORD = Pattern.compile("(?s).*(?<![\\p{L}\\p{N}_])BREAK(?![\\p{L}\\p{N}_]).*");

    @Test
    void anyText_parsesWithoutException_intoAtLeastOnePart() {
        forAll("anyText", 10_000, A1111PromptParserPropertiesTest::anyPrompt,
                prompt -> assertThat(A1111PromptParser.parse(prompt)).isNotEmpty());
    }

    @Test
    void textWithoutWeightSyntax_isOneRunOfWeightOne_unchanged() {
        forAll("plainText", 2000, A1111PromptParserPropertiesTest::plainPrompt,
                prompt -> assertThat(A1111PromptParser.parse(prompt)).containsExactly(new Text(prompt, 1.0)));
    }

    @Test
    void escapedText_readsBackLiterally() {
        forAll("escapedText", 2000, g -> {
            String prompt = anyPrompt(g);
            return BREAK_WORD.matcher(prompt).matches() ? prompt.replace("BREAK", "break") : prompt;
        }, prompt -> assertThat(A1111PromptParser.parse(escape(prompt))).containsExactly(new Text(prompt, 1.0)));
    }

    @Test
    void unclosedRoundBrackets_areClosedAtTheEnd() {
        record Unclosed(String prompt, int open) {
        }
        forAll("unclosed", 1000, g -> new Unclosed("x" + plainPrompt(g), g.intBetween(1, 5)), unclosed -> {
            double expected = 1.0;
            for (int i = 0; i < unclosed.open(); i++) {
                expected *= 1.1;
            }
            assertThat(A1111PromptParser.parse("(".repeat(unclosed.open()) + unclosed.prompt()))
                    .containsExactly(new Text(unclosed.prompt(), expected));
        });
    }

    /** A prompt built from a random syntax tree parses to the runs the rules give for that tree. */
    @Test
    void generatedSyntaxTree_parsesToItsWeightedRuns() {
        forAll("syntaxTree", 3000, g -> node(g, 4), tree -> {
            List<PromptPart> expected = new ArrayList<>();
            tree.expect(new ArrayList<>(), expected);

            assertThat(signless(A1111PromptParser.parse(tree.render())))
                    .containsExactlyElementsOf(signless(joined(expected)));
        });
    }

    /**
     * Weights with -0.0 read as 0.0: the web UI joins runs by {@code ==}, for which they are equal, and keeps the
     * first run's zero, which may be the sign of an empty run the model does not track.
     */
    private static List<PromptPart> signless(List<PromptPart> parts) {
        return parts.stream().map(part -> part instanceof Text text ? new Text(text.text(), text.weight() + 0.0) : part)
                .toList();
    }

    // -- generators -------------------------------------------------------------------------------------------

    private static String anyPrompt(Generated g) {
        List<String> pieces = g.list(30, () -> g.weighted(
                choice(1, () -> g.oneOf("(", ")", "[", "]", ":", "\\", " ", ".", "1", ",", "-")),
                choice(1, () -> g.oneOf("BREAK", " BREAK ", ":1.2)", ":0.5)", ": 2 )", ":1.2.3)", "\\(", "\\\\", "(a",
                        "b]", "\u00a0", "\u0661", "\u00e9")),
                choice(1, () -> g.anyString(6))));
        return String.join("", pieces);
    }

    /** Text with none of ( ) [ ] \ and without the word BREAK (colons, digits, "BREAKfast" are fine). */
    private static String plainPrompt(Generated g) {
        while (true) {
            String prompt = String.join("", g.list(20, () -> g.weighted(
                    choice(1, () -> g.printable(8, "()[]\\")),
                    choice(1, () -> g.oneOf(":1.2", ": 2", "BREAKfast", "xBREAK", "break", "\u00e9t\u00e9", ", ", "  ")),
                    choice(1, () -> g.anyString(4).replaceAll("[()\\[\\]\\\\]", "")))));
            if (!BREAK_WORD.matcher(prompt).matches()) {
                return prompt;
            }
        }
    }

    private static Node node(Generated g, int depth) {
        if (depth == 0) {
            return g.weighted(choice(5, () -> literal(g)), choice(1, BreakNode::new));
        }
        return g.weighted(
                choice(4, () -> literal(g)),
                choice(1, BreakNode::new),
                choice(2, () -> new Group("(", ")", 1.1, children(g, depth))),
                choice(2, () -> new Group("[", "]", 1 / 1.1, children(g, depth))),
                choice(2, () -> {
                    String weight = g.oneOf("1.3", "0.5", "2", ".8", "1.", "0", "-1", "1.1");
                    return new Group("(", ":" + weight + ")", Double.parseDouble(weight), children(g, depth));
                }),
                choice(2, () -> new Sequence(children(g, depth))));
    }

    private static Node literal(Generated g) {
        return new Literal(g.string(1, 6, "abcxyz0123456789,.!-"));
    }

    private static List<Node> children(Generated g, int depth) {
        return g.list(1, 4, () -> node(g, depth - 1));
    }

    // -- the model ---------------------------------------------------------------------------------------------

    /** A piece of a generated prompt that knows how it is written and which runs it must parse to. */
    sealed interface Node {
        String render();

        /** Appends this node's runs; {@code factors} are the enclosing groups' factors, outermost first. */
        void expect(List<Double> factors, List<PromptPart> out);
    }

    record Literal(String text) implements Node {
        @Override
        public String render() {
            return text;
        }

        @Override
        public void expect(List<Double> factors, List<PromptPart> out) {
            double weight = 1.0;
            // The innermost group closes first, so its factor is applied first.
            for (int i = factors.size() - 1; i >= 0; i--) {
                weight *= factors.get(i);
            }
            out.add(new Text(text, weight));
        }
    }

    record BreakNode() implements Node {
        @Override
        public String render() {
            return " BREAK ";
        }

        @Override
        public void expect(List<Double> factors, List<PromptPart> out) {
            out.add(PromptPart.BREAK);
        }
    }

    record Group(String open, String close, double factor, List<Node> children) implements Node {
        @Override
        public String render() {
            StringBuilder text = new StringBuilder(open);
            children.forEach(child -> text.append(child.render()));
            return text.append(close).toString();
        }

        @Override
        public void expect(List<Double> factors, List<PromptPart> out) {
            List<Double> inner = new ArrayList<>(factors);
            inner.add(factor);
            children.forEach(child -> child.expect(inner, out));
        }
    }

    record Sequence(List<Node> children) implements Node {
        @Override
        public String render() {
            StringBuilder text = new StringBuilder();
            children.forEach(child -> text.append(child.render()));
            return text.toString();
        }

        @Override
        public void expect(List<Double> factors, List<PromptPart> out) {
            children.forEach(child -> child.expect(factors, out));
        }
    }

    /** Neighbouring runs of equal weight joined; an empty result is one empty run. */
    private static List<PromptPart> joined(List<PromptPart> parts) {
        List<PromptPart> out = new ArrayList<>();
        for (PromptPart part : parts) {
            if (!out.isEmpty() && part instanceof Text next && out.get(out.size() - 1) instanceof Text last
                    && last.weight() == next.weight()) {
                out.set(out.size() - 1, new Text(last.text() + next.text(), last.weight()));
            } else {
                out.add(part);
            }
        }
        if (out.isEmpty()) {
            out.add(new Text("", 1.0));
        }
        return out;
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            if ("()[]\\".indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }
}
