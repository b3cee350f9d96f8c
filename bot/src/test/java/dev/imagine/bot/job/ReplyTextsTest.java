package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplyTextsTest {
    private static final User ALICE = new User("telegram", "1", "alice");
    private static final User BOB = new User("discord", "2", "bob");

    private static Job job(String id, User owner, String prompt, int count, Decoder decoder) {
        return Job.queued(id, owner, null, null, new JobParameters(prompt, 42, 4, ImageSize.SQUARE_512, 7.5f, count,
                decoder), Instant.EPOCH, "", null);
    }

    @Test
    void statusLines_carryAnIconForChats_andTheWordsForEveryone() {
        assertThat(ReplyTexts.queued(3, Duration.ofSeconds(40)).withIcon()).isEqualTo("⏳ Queued #3 · about 40 s");
        assertThat(ReplyTexts.queued(3, Duration.ofSeconds(40)).text()).isEqualTo("Queued #3 · about 40 s");
        assertThat(ReplyTexts.queued(0, Duration.ZERO).text()).startsWith("Queued · the same picture is being drawn");
        assertThat(ReplyTexts.drawing(0, 4).withIcon()).isEqualTo("🎨 Drawing…");
        assertThat(ReplyTexts.drawing(2, 4).withIcon()).isEqualTo("🎨 Drawing… step 2/4");
        assertThat(ReplyTexts.cancelled("cancelled by you").text()).isEqualTo("Cancelled (cancelled by you).");
        assertThat(ReplyTexts.cancelled(null).text()).isEqualTo("Cancelled.");
    }

    @Test
    void theImmediateAnswer_isOneText_whateverTheReply() {
        Job job = job("aaaaaaaaaa", ALICE, "a fox", 1, Decoder.FULL);

        assertThat(ReplyTexts.text(new Reply.Refused("No."))).isEqualTo("No.");
        assertThat(ReplyTexts.text(new Reply.Info("Deleted."))).isEqualTo("Deleted.");
        assertThat(ReplyTexts.text(new Reply.Accepted(job, 2, Duration.ofMinutes(3))))
                .isEqualTo("Queued #2 · about 3 min");
        assertThat(ReplyTexts.text(new Reply.Finished(job, List.of()))).isEqualTo("Done.");
    }

    @Test
    void aPicturesDetails_nameSeedsStepsSizeGuidanceDecoderAndTime() {
        Job four = job("aaaaaaaaaa", ALICE, "a fox", 4, Decoder.FAST).running(Instant.EPOCH);

        assertThat(ReplyTexts.details(four, Duration.ofMillis(3_140)))
                .isEqualTo("seed 42–45 · 4 steps · 512x512 · guidance 7.5 · fast decoder · 3.1 s");
        Job cached = four.done(Instant.EPOCH, List.of("k"), true, 0);
        assertThat(ReplyTexts.details(cached, Duration.ZERO)).endsWith(" · from cache");
        assertThat(ReplyTexts.took(four, Duration.ofSeconds(200))).isEqualTo("3 min");
        assertThat(ReplyTexts.took(four, Duration.ZERO)).isNull();
    }

    @Test
    void fileNames_numberThePicturesOfARequestFromOne() {
        assertThat(ReplyTexts.fileName(job("aaaaaaaaaa", ALICE, "x", 1, Decoder.FULL), 0))
                .isEqualTo("imagine-aaaaaaaaaa.png");
        assertThat(ReplyTexts.fileName(job("aaaaaaaaaa", ALICE, "x", 2, Decoder.FULL), 1))
                .isEqualTo("imagine-aaaaaaaaaa-2.png");
    }

    @Test
    void shorten_endsInAnEllipsis_andNeverCutsAnEmojiInHalf() {
        assertThat(ReplyTexts.shorten("a fox", 5)).isEqualTo("a fox");
        assertThat(ReplyTexts.shorten("a red fox", 5)).isEqualTo("a re…");
        String cut = ReplyTexts.shorten("abc🦊def", 5);
        assertThat(cut).isEqualTo("abc…").hasSizeLessThanOrEqualTo(5);
        assertThat(ReplyTexts.shorten("abc", 0)).isEmpty();
    }

    @Test
    void theQueue_saysWhereMyPicturesAre_andHowManyWaitInAll() {
        Job mine = job("aaaaaaaaaa", ALICE, "a fox in the snow", 1, Decoder.FULL);
        Job theirs = job("bbbbbbbbbb", BOB, "a whale", 1, Decoder.FULL);
        QueueView queue = new QueueView(List.of(new QueueView.Place(theirs, 1, Duration.ZERO),
                new QueueView.Place(mine, 2, Duration.ofSeconds(40))), Optional.of(theirs.running(Instant.EPOCH)));

        assertThat(ReplyTexts.queue(queue, ALICE)).isEqualTo(
                "#2: \"a fox in the snow\" — about 40 s\n2 pictures are waiting in all, one is being drawn.");
        assertThat(ReplyTexts.queue(new QueueView(List.of(), Optional.empty()), ALICE))
                .isEqualTo("You have nothing waiting.\n0 pictures are waiting in all.");
        assertThat(ReplyTexts.queue(queue, BOB)).startsWith("Drawing your picture now.\n#1: \"a whale\"");
    }

    @Test
    void help_namesTheButtonsTheJobServiceDoes_andThePlatformsOwnSyntax() {
        String help = ReplyTexts.help("/imagine fox --steps 2", "/settings steps 2");

        assertThat(help).contains("/imagine fox --steps 2").contains("/settings steps 2")
                .contains("Same seed draws it again exactly").contains("Re-roll").contains("Delete removes it")
                .contains("Vary (subtle) redraws its details").contains("Upscale 2× (detailed) makes it twice as large")
                .doesNotContain("coming");
        assertThat(ReplyTexts.help()).contains("steps (1–8, default 4)").contains("guidance (1–20, default 8)")
                .contains("strength (0–1, default 0.5");
    }

    @Test
    void reading_saysWhenALongPromptWasReadInChunks_orAPlainOneCut_andNothingOtherwise() {
        assertThat(ReplyTexts.reading(new PromptReading(98, 98, 2, null)))
                .isEqualTo("Long prompt: the model read all 98 tokens, in 2 chunks.");
        assertThat(ReplyTexts.reading(new PromptReading(30, 30, 3, null)))
                .isEqualTo("The model read all 30 tokens, in 3 chunks.");
        assertThat(ReplyTexts.reading(new PromptReading(90, 75, 1, "far above the sea, in the style of an old oil"
                + " painting"))).isEqualTo("Prompt cut: the model read 75 of its 90 tokens, dropping “far above the"
                + " sea, in the style of an o…”. The a1111 prompt syntax reads it all.");
        assertThat(ReplyTexts.reading(new PromptReading(134, 75, 1, "stars in a deep blue sky, frozen lake, fresh")))
                .contains("dropping “stars in a deep blue sky, frozen lake…”");
        assertThat(ReplyTexts.reading(new PromptReading(90, 75, 1, null)))
                .isEqualTo("Prompt cut: the model read 75 of its 90 tokens. The a1111 prompt syntax reads it all.");
        assertThat(ReplyTexts.reading(new PromptReading(40, 40, 1, null))).isNull();
        assertThat(ReplyTexts.reading(null)).as("a job stored before readings were kept").isNull();
    }

    @Test
    void help_explainsWeightsBreakLongPromptsAndPlain_onEveryPlatform() {
        for (String help : List.of(ReplyTexts.help(), ReplyTexts.help("/imagine <prompt>", "/settings"))) {
            assertThat(help).contains("(word:1.2)", "[word]", "BREAK", "long prompt", "plain", "75 tokens");
        }
        assertThat(ReplyTexts.help()).contains("prompt-syntax (a1111 or plain)");
    }

    @Test
    void droppedWords_startAtTheFirstWordNotWhollyRead() {
        // A tokenizer that reads every character as a token.
        java.util.function.ToIntFunction<String> characters = text -> text.strip().length();
        String prompt = "one two three four";

        assertThat(PromptReading.droppedWords(prompt, 8, characters)).isEqualTo("three four");
        assertThat(PromptReading.droppedWords(prompt, 9, characters)).isEqualTo("three four");
        assertThat(PromptReading.droppedWords(prompt, 13, characters)).isEqualTo("four");
        assertThat(PromptReading.droppedWords(prompt, 2, characters)).as("the first word was cut").isEqualTo(prompt);
        assertThat(PromptReading.droppedWords("onewordonly", 3, characters)).isEqualTo("onewordonly");
    }
}
