package dev.imagine.bot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.Main;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.StandardStreams;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --prompt-syntax a1111|plain} on {@code generate} and {@code tokens}; a1111 is the default. */
class PromptSyntaxCommandLineTest {
    static final Path TINY_MODEL = CommandLineTest.TINY_MODEL;
    static final Path CLIP_TOKENIZER = CommandLineTest.CLIP_TOKENIZER;

    @TempDir
    Path dir;

    @RegisterExtension
    final StandardStreams streams = new StandardStreams();

    @Test
    void tokens_longPrompt_isReadWholeInChunksByDefault_oneJsonArrayPerChunk() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(), "red ".repeat(80).trim());

        assertThat(exit).isZero();
        String[] lines = streams.out().trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("[49406,736,736,").endsWith(",736,49407]");
        assertThat(lines[1].split(",")).hasSize(77);
        assertThat(lines[1]).startsWith("[49406,736,736,736,736,736,49407,49407,");
        assertThat(streams.err()).contains("80 tokens in 2 chunks of up to 75; not cut")
                .contains("chunk 1 (75 tokens): red red").contains("chunk 2 (5 tokens): red red red red red");
    }

    @Test
    void tokens_weightedPrompt_showsTheWeightsOfEachChunk() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(),
                "a (red:1.3) fox in [the snow] BREAK ((masterpiece))");

        assertThat(exit).isZero();
        assertThat(streams.out().trim().split("\n")).hasSize(2);
        assertThat(streams.err()).contains("chunk 1 (6 tokens): a (red:1.3) fox in (the snow:0.9091)")
                .contains("chunk 2 (1 token): (masterpiece:1.21)");
    }

    @Test
    void tokens_plain_readsBracketsAsText_inOneChunk() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(), "--prompt-syntax", "PLAIN",
                "a (red:1.3) fox BREAK");

        assertThat(exit).isZero();
        assertThat(streams.out().trim().split("\n")).hasSize(1);
        assertThat(streams.err()).contains("tokens used; not cut").doesNotContain("chunk 1");
    }

    @Test
    void tokens_unknownSyntax_isRefusedNamingTheTwoThatExist() {
        int exit = Main.run("tokens", "--model", CLIP_TOKENIZER.toString(), "--prompt-syntax", "compel", "a fox");

        assertThat(exit).isEqualTo(2);
        assertThat(streams.err()).contains("use a1111").contains("or plain");
    }

    @Test
    void generate_defaultIsA1111_plainIsWrittenIntoThePngParameters() throws IOException {
        Path a1111 = dir.resolve("a1111.png");
        Path plain = dir.resolve("plain.png");

        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a (red:1.3) fox", "--seed",
                "1", "--steps", "1", "--width", "256", "--height", "256", "--output", a1111.toString()))
                .as(streams.err()).isZero();
        assertThat(Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", "a (red:1.3) fox", "--seed",
                "1", "--steps", "1", "--width", "256", "--height", "256", "--prompt-syntax", "plain", "--output",
                plain.toString())).as(streams.err()).isZero();

        String a1111Text = Pngs.parametersOf(a1111);
        String plainText = Pngs.parametersOf(plain);
        assertThat(a1111Text).startsWith("a (red:1.3) fox\n").doesNotContain("Prompt syntax");
        assertThat(plainText).startsWith("a (red:1.3) fox\n");
        assertThat(Pngs.settingsOf(plainText)).containsEntry("Prompt syntax", "plain");
    }

    @Test
    void generate_longPrompt_saysItWasReadInChunks_orCutWhenPlain() {
        String prompt = "red ".repeat(80).trim();

        Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", prompt, "--seed", "1", "--steps", "1",
                "--width", "256", "--height", "256", "--output", dir.resolve("long.png").toString());
        assertThat(streams.err()).contains("note: the prompt was read in 2 chunks (80 tokens");

        Main.run("generate", "--model", TINY_MODEL.toString(), "--prompt", prompt, "--seed", "1", "--steps", "1",
                "--width", "256", "--height", "256", "--prompt-syntax", "plain", "--output",
                dir.resolve("cut.png").toString());
        assertThat(streams.err()).contains("note: the prompt was cut: 5 of its 80 tokens were dropped");
    }
}
