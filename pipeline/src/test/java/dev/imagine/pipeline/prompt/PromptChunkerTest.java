package dev.imagine.pipeline.prompt;

import static dev.imagine.testing.Generated.choice;
import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.PromptChunk;
import dev.imagine.testing.Generated;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The web UI's chunking rules, with a tokenizer that makes every character one token (its char code; ',' is the
 * comma) so that positions are easy to count. BOS 1, EOS 2, pad 0 (a pad that differs from EOS, as in SD 2).
 */
class PromptChunkerTest {
    private static final int BOS = 1;
    private static final int EOS = 2;
    private static final int PAD = 0;
    private static final int COMMA = ',';
    private static final PromptChunker.Layout LAYOUT = new PromptChunker.Layout(BOS, EOS, PAD, COMMA, 75);

    private static int[] charTokens(String text) {
        return text.replace(" ", "").chars().toArray();
    }

    private static PromptChunker.Result chunk(PromptPart... parts) {
        return PromptChunker.chunk(List.of(parts), PromptChunkerTest::charTokens, LAYOUT);
    }

    private static PromptPart.Text text(String text) {
        return new PromptPart.Text(text, 1.0);
    }

    /** The prompt's own tokens in a chunk: between BOS and the EOS after them. */
    private static int[] content(PromptChunk chunk) {
        int[] ids = chunk.ids();
        int end = 1;
        while (ids[end] != EOS) {
            end++;
        }
        return Arrays.copyOfRange(ids, 1, end);
    }

    @Test
    void chunk_emptyPrompt_isOneChunkOfBosEosAndPadding() {
        PromptChunker.Result result = chunk(text(""));

        assertThat(result.chunks()).hasSize(1);
        int[] expected = new int[77];
        expected[0] = BOS;
        expected[1] = EOS;
        assertThat(result.chunks().get(0).ids()).containsExactly(expected);
        assertThat(result.contentTokens()).isZero();
    }

    @Test
    void chunk_seventyFiveTokens_fitOneChunk_andTheSeventySixthStartsAnother() {
        assertThat(chunk(text("a".repeat(75))).chunks()).hasSize(1);

        PromptChunker.Result result = chunk(text("a".repeat(76)));

        assertThat(result.chunks()).hasSize(2);
        assertThat(content(result.chunks().get(0))).hasSize(75);
        assertThat(result.chunks().get(0).ids()[76]).isEqualTo(EOS);
        assertThat(content(result.chunks().get(1))).containsExactly('a');
        assertThat(result.contentTokens()).isEqualTo(76);
    }

    @Test
    void chunk_commaAmongTheLastTwentyTokens_movesTheWordsAfterItToTheNextChunk() {
        // 55 tokens, a comma at index 55 (75 - 55 = 20), 19 more: the chunk is full when "z" comes.
        String prompt = "a".repeat(55) + "," + "b".repeat(19) + "z";

        List<PromptChunk> chunks = chunk(text(prompt)).chunks();

        assertThat(chunks).hasSize(2);
        assertThat(content(chunks.get(0))).hasSize(56).endsWith(COMMA);
        assertThat(content(chunks.get(1))).containsExactly(charTokens("b".repeat(19) + "z"));
        assertThat(chunks.get(0).ids()[57]).isEqualTo(EOS);
        assertThat(chunks.get(0).ids()[58]).as("padding after the moved words").isEqualTo(PAD);
    }

    @Test
    void chunk_commaTwentyOneTokensFromTheEnd_isTooFarBack_andTheChunkIsCutAtSeventyFive() {
        String prompt = "a".repeat(54) + "," + "b".repeat(20) + "z";

        List<PromptChunk> chunks = chunk(text(prompt)).chunks();

        assertThat(content(chunks.get(0))).hasSize(75);
        assertThat(content(chunks.get(1))).containsExactly('z');
    }

    @Test
    void chunk_fullChunkFollowedByAComma_putsTheCommaInTheNextChunk() {
        List<PromptChunk> chunks = chunk(text("a".repeat(75) + ",b")).chunks();

        assertThat(content(chunks.get(0))).hasSize(75);
        assertThat(content(chunks.get(1))).containsExactly(COMMA, 'b');
    }

    @Test
    void chunk_commaOnlyCountsInItsOwnChunk() {
        // The comma in chunk 1 must not move words out of the full chunk 2.
        String prompt = "a".repeat(70) + "," + "b".repeat(80);

        List<PromptChunk> chunks = chunk(text(prompt)).chunks();

        assertThat(chunks).hasSize(3);
        assertThat(content(chunks.get(0))).hasSize(71).endsWith(COMMA);
        assertThat(content(chunks.get(1))).hasSize(75);
        assertThat(content(chunks.get(2))).hasSize(5);
    }

    @Test
    void chunk_break_endsTheChunk_evenAnEmptyOne_butNotAtTheEnd() {
        assertThat(chunk(text("ab"), PromptPart.BREAK, text("cd")).chunks()).extracting(PromptChunkerTest::content)
                .containsExactly(new int[] {'a', 'b'}, new int[] {'c', 'd'});
        assertThat(chunk(PromptPart.BREAK, text("cd")).chunks()).extracting(PromptChunkerTest::content)
                .containsExactly(new int[0], new int[] {'c', 'd'});
        assertThat(chunk(text("ab"), PromptPart.BREAK).chunks()).hasSize(1);
        assertThat(chunk(text("ab"), PromptPart.BREAK, PromptPart.BREAK, text("c")).chunks()).hasSize(3);
    }

    @Test
    void chunk_weights_followTheirTokens_andSpecialPositionsWeighOne() {
        PromptChunk chunk = chunk(text("ab"), new PromptPart.Text("cd", 1.3), new PromptPart.Text("e", 0.5))
                .chunks().get(0);

        float[] expected = new float[77];
        Arrays.fill(expected, 1f);
        expected[3] = (float) 1.3;
        expected[4] = (float) 1.3;
        expected[5] = 0.5f;
        assertThat(chunk.weights()).containsExactly(expected);
        assertThat(chunk.ids()).startsWith(BOS, 'a', 'b', 'c', 'd', 'e', EOS, PAD);
    }

    @Test
    void chunk_movedWordsKeepTheirWeights() {
        PromptPart.Text head = text("a".repeat(60) + ",");
        PromptPart.Text tail = new PromptPart.Text("b".repeat(20), 1.5);

        List<PromptChunk> chunks = chunk(head, tail).chunks();

        assertThat(chunks.get(1).weights()[1]).isEqualTo(1.5f);
        assertThat(chunks.get(1).weights()[20]).isEqualTo(1.5f);
        assertThat(chunks.get(1).weights()[21]).isEqualTo(1f);
    }

    @Test
    void chunk_neverLosesReordersOrReweighsATokenAndKeepsTheLayout() {
        forAll("chunking", 2000, PromptChunkerTest::parts, PromptChunkerTest::checkLayout);
    }

    private static void checkLayout(List<PromptPart> parts) {
        PromptChunker.Result result = PromptChunker.chunk(parts, PromptChunkerTest::charTokens, LAYOUT);

        List<Integer> expectedTokens = new ArrayList<>();
        List<Float> expectedWeights = new ArrayList<>();
        for (PromptPart part : parts) {
            if (part instanceof PromptPart.Text text) {
                for (int id : charTokens(text.text())) {
                    expectedTokens.add(id);
                    expectedWeights.add((float) text.weight());
                }
            }
        }
        List<Integer> tokens = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        for (PromptChunk chunk : result.chunks()) {
            int[] ids = chunk.ids();
            float[] w = chunk.weights();
            int n = content(chunk).length;
            assertThat(ids).hasSize(77);
            assertThat(n).isLessThanOrEqualTo(75);
            assertThat(ids[0]).isEqualTo(BOS);
            assertThat(ids[n + 1]).isEqualTo(EOS);
            assertThat(IntStream.range(n + 2, 77).map(i -> ids[i])).allMatch(id -> id == PAD);
            assertThat(w[0]).isEqualTo(1f);
            assertThat(IntStream.range(n + 1, 77).mapToDouble(i -> w[i])).allMatch(weight -> weight == 1.0);
            IntStream.rangeClosed(1, n).forEach(i -> {
                tokens.add(ids[i]);
                weights.add(w[i]);
            });
        }
        assertThat(tokens).isEqualTo(expectedTokens);
        assertThat(weights).isEqualTo(expectedWeights);
        assertThat(result.contentTokens()).isEqualTo(expectedTokens.size());
        long breaks = parts.stream().filter(PromptPart.Break.class::isInstance).count();
        assertThat(result.chunks().size()).isGreaterThanOrEqualTo((int) Math.max(1,
                Math.ceil(expectedTokens.size() / 75.0)));
        assertThat(result.chunks().size()).isLessThanOrEqualTo(1 + (int) breaks + expectedTokens.size() / 55);
    }

    private static List<PromptPart> parts(Generated g) {
        return g.list(8, () -> g.<PromptPart>weighted(
                choice(6, () -> new PromptPart.Text(g.string(90, "abc,"), g.oneOf(1.0, 1.1, 0.5, 1.3))),
                choice(1, () -> PromptPart.BREAK)));
    }
}
