package dev.imagine.pipeline.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.prompt.PromptPart.Text;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the A1111 prompt parser over generated prompts. */
class A1111PromptParserPropertiesTest {

    @Property(tries = 2000)
    void anyText_parsesWithoutException_intoAtLeastOnePart(@ForAll("anyPrompt") String prompt) {
        List<PromptPart> parts = A1111PromptParser.parse(prompt);

        assertThat(parts).isNotEmpty();
    }

    @Property(tries = 1000)
    void textWithoutWeightSyntax_isOneRunOfWeightOne_unchanged(@ForAll("plainPrompt") String prompt) {
        assertThat(A1111PromptParser.parse(prompt)).containsExactly(new Text(prompt, 1.0));
    }

    @Property(tries = 1000)
    void escapedText_readsBackLiterally(@ForAll("anyPrompt") String prompt) {
        Assume.that(!prompt.contains("BREAK"));

        assertThat(A1111PromptParser.parse(escape(prompt))).containsExactly(new Text(prompt, 1.0));
    }

    @Property(tries = 500)
    void unclosedRoundBrackets_areClosedAtTheEnd(@ForAll("plainPrompt") String prompt,
                                                 @ForAll @IntRange(min = 1, max = 5) int open) {
        Assume.that(!prompt.isEmpty());
        double expected = 1.0;
        for (int i = 0; i < open; i++) {
            expected *= 1.1;
        }

        assertThat(A1111PromptParser.parse("(".repeat(open) + prompt)).containsExactly(new Text(prompt, expected));
    }

    /** A prompt built from a random syntax tree parses to the runs the rules give for that tree. */
    @Property(tries = 2000)
    void generatedSyntaxTree_parsesToItsWeightedRuns(@ForAll("tree") Node tree) {
        List<PromptPart> expected = new ArrayList<>();
        tree.expect(new ArrayList<>(), expected);

        assertThat(signless(A1111PromptParser.parse(tree.render()))).containsExactlyElementsOf(signless(joined(expected)));
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

    @Provide
    Arbitrary<String> anyPrompt() {
        Arbitrary<Character> syntax = Arbitraries.of('(', ')', '[', ']', ':', '\\', ' ', '.', '1', ',', '-');
        Arbitrary<String> pieces = Arbitraries.oneOf(
                syntax.map(String::valueOf),
                Arbitraries.of("BREAK", " BREAK ", ":1.2)", ":0.5)", ": 2 )", ":1.2.3)", "\\(", "\\\\", "(a", "b]",
                        "\u00a0", "\u0661", "\u00e9"),
                Arbitraries.strings().ofMaxLength(6));
        return pieces.list().ofMaxSize(30).map(list -> String.join("", list));
    }

    /** Text with none of ( ) [ ] \ and without the word BREAK (colons, digits, "BREAKfast" are fine). */
    @Provide
    Arbitrary<String> plainPrompt() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').excludeChars('(', ')', '[', ']', '\\').ofMaxLength(8),
                Arbitraries.of(":1.2", ": 2", "BREAKfast", "xBREAK", "break", "\u00e9t\u00e9", ", ", "  "),
                Arbitraries.strings().ofMaxLength(4).filter(s -> s.chars().noneMatch(c -> "()[]\\".indexOf(c) >= 0)));
        return pieces.list().ofMaxSize(20).map(list -> String.join("", list))
                .filter(s -> !s.matches("(?s).*(?<![\\p{L}\\p{N}_])BREAK(?![\\p{L}\\p{N}_]).*"));
    }

    @Provide
    Arbitrary<Node> tree() {
        return node(4);
    }

    private Arbitrary<Node> node(int depth) {
        Arbitrary<Node> literal = Arbitraries.strings().withChars("abcxyz0123456789,.!-").ofMinLength(1).ofMaxLength(6)
                .map(Literal::new);
        Arbitrary<Node> breakWord = Arbitraries.just(new BreakNode());
        if (depth == 0) {
            return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, literal), net.jqwik.api.Tuple.of(1, breakWord));
        }
        Arbitrary<List<Node>> children = Arbitraries.lazy(() -> node(depth - 1)).list().ofMinSize(1).ofMaxSize(4);
        Arbitrary<Node> round = children.map(c -> new Group("(", ")", 1.1, c));
        Arbitrary<Node> square = children.map(c -> new Group("[", "]", 1 / 1.1, c));
        Arbitrary<Node> weighted = net.jqwik.api.Combinators.combine(children,
                        Arbitraries.of("1.3", "0.5", "2", ".8", "1.", "0", "-1", "1.1"))
                .as((c, w) -> new Group("(", ":" + w + ")", Double.parseDouble(w), c));
        Arbitrary<Node> sequence = children.map(Sequence::new);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, literal), net.jqwik.api.Tuple.of(1, breakWord),
                net.jqwik.api.Tuple.of(2, round), net.jqwik.api.Tuple.of(2, square), net.jqwik.api.Tuple.of(2, weighted),
                net.jqwik.api.Tuple.of(2, sequence));
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
