package dev.imagine.pipeline.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reading prompts with the real CLIP tokenizer (the 287 reference prompts of tokenizer/cases.json among them). */
class PromptReaderTest {
    private static final int BOS = 49406;
    private static final int EOS = 49407;

    record TokenizerCase(String prompt, int[] ids, int content_tokens) {
    }

    private static Path clipDir;
    private static ClipTokenizer tokenizer;
    private static PromptReader reader;

    @BeforeAll
    static void load() throws URISyntaxException {
        clipDir = Path.of(PromptReaderTest.class.getResource("/tokenizer/clip/vocab.json").toURI()).getParent();
        tokenizer = ClipTokenizer.load(clipDir);
        reader = new PromptReader(tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static List<TokenizerCase> referenceCases() throws IOException {
        return JsonFiles.read(clipDir.getParent().resolve("cases.json"), new TypeReference<List<TokenizerCase>>() { });
    }

    @Test
    void read_everyReferencePromptWithoutSyntaxWithin75Tokens_isExactlyWhatPlainAndDiffusersRead() throws IOException {
        int compared = 0;
        for (TokenizerCase c : referenceCases()) {
            if (!A1111PromptParser.hasNoSyntax(c.prompt()) || c.content_tokens() > 75) {
                continue;
            }
            TokenizedPrompt a1111 = reader.read(c.prompt(), PromptSyntax.A1111);

            assertThat(a1111.chunks()).as(c.prompt()).containsExactly(PromptChunk.unweighted(c.ids()));
            assertThat(a1111.chunks()).isEqualTo(reader.read(c.prompt(), PromptSyntax.PLAIN).chunks());
            compared++;
        }
        assertThat(compared).as("reference prompts compared").isGreaterThan(200);
    }

    @Test
    void read_everyLongReferencePrompt_isReadWholeInChunks_whilePlainCutsIt() throws IOException {
        int compared = 0;
        for (TokenizerCase c : referenceCases()) {
            if (!A1111PromptParser.hasNoSyntax(c.prompt()) || c.content_tokens() <= 75) {
                continue;
            }
            TokenizedPrompt a1111 = reader.read(c.prompt(), PromptSyntax.A1111);
            TokenizedPrompt plain = reader.read(c.prompt(), PromptSyntax.PLAIN);

            assertThat(a1111.chunked()).as(c.prompt()).isTrue();
            assertThat(a1111.truncated()).isFalse();
            assertThat(a1111.contentTokens()).isEqualTo(c.content_tokens()).isEqualTo(plain.contentTokens());
            assertThat(plain.truncated()).isTrue();
            assertThat(plain.ids()).containsExactly(c.ids());
            compared++;
        }
        assertThat(compared).as("long reference prompts compared").isPositive();
    }

    @Test
    void read_weightedRun_weighsItsTokensOnly() {
        TokenizedPrompt read = reader.read("a (red:1.3) fox", PromptSyntax.A1111);

        PromptChunk chunk = read.chunks().get(0);
        assertThat(Arrays.copyOf(chunk.ids(), 5)).containsExactly(BOS, 320, 736, 3240, EOS);
        assertThat(Arrays.copyOf(chunk.weights(), 5)).containsExactly(1f, 1f, 1.3f, 1f, 1f);
        assertThat(read.weighted()).isTrue();
        assertThat(read.syntax()).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void read_plain_readsBracketsAsText_withWeightOne() {
        TokenizedPrompt plain = reader.read("a (red:1.3) fox", PromptSyntax.PLAIN);

        assertThat(plain.syntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(plain.weighted()).isFalse();
        assertThat(plain.contentTokens()).isGreaterThan(3);
        assertThat(plain.ids()).startsWith(tokenizer.encode("a (red:1.3) fox").ids());
    }

    @Test
    void read_break_startsASecondChunkOf77() {
        TokenizedPrompt read = reader.read("a red fox BREAK a snowy forest", PromptSyntax.A1111);

        assertThat(read.chunks()).hasSize(2);
        assertThat(read.sequenceLength()).isEqualTo(154);
        assertThat(read.chunks().get(1).ids()).startsWith(BOS, tokenizer.contentIds("a snowy forest")[0]);
    }

    @Test
    void decode_undoesTheBytePairEncoding() {
        assertThat(tokenizer.decode(tokenizer.contentIds("a photograph of an astronaut, café 🚀")))
                .isEqualTo("a photograph of an astronaut , café 🚀 ");
        assertThat(tokenizer.decode(new int[] {BOS, EOS})).isEqualTo("<|startoftext|><|endoftext|>");
    }
}
