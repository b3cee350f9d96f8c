package dev.imagine.bot.discord;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.testing.LongPrompts;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PngParameters;
import java.nio.file.Path;
import java.time.Duration;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts as people write them, on Discord: a weighted long prompt is drawn whole and the embed says it was read in
 * chunks; a person who chose the plain syntax in /settings gets it cut, and the embed says what was dropped; Same seed
 * keeps the job's own syntax whoever presses it. Real JDA against {@link FakeDiscord}, the fixture model drawing.
 */
class DiscordPromptSyntaxTest {
    static final Duration WAIT = Duration.ofSeconds(30);

    private static final ImageGenerator pipeline = TinyModel.shared();

    @TempDir
    Path data;

    @RegisterExtension
    final DiscordRoom room = new DiscordRoom(pipeline, WAIT);

    private String imagine(FakeDiscord.User who, String prompt) {
        return room.imagine(who, prompt);
    }

    private Request picture(String token) throws InterruptedException {
        return room.picture(token);
    }

    private static DataObject embed(Request picture) {
        return picture.payload().getArray("embeds").getObject(0);
    }

    private static String field(Request picture, String name) {
        DataArray fields = embed(picture).getArray("fields");
        for (int i = 0; i < fields.length(); i++) {
            if (fields.getObject(i).getString("name").equals(name)) {
                return fields.getObject(i).getString("value");
            }
        }
        return null;
    }

    private static String jobIdOf(Request picture) {
        String customId = picture.payload().getArray("components").getObject(0).getArray("components")
                .getObject(0).getString("custom_id");
        return customId.substring(customId.indexOf(':') + 1);
    }

    @Test
    void aWeightedLongPrompt_isDrawnWhole_andTheEmbedSaysItWasReadInChunks() throws Exception {
        TestGenerator generator = room.start(data);

        Request drawn = picture(imagine(FakeDiscord.ALICE, LongPrompts.WEIGHTED));

        assertThat(field(drawn, "Prompt")).matches(LongPrompts.READ_IN_CHUNKS);
        assertThat(field(drawn, "Prompt syntax")).as("a1111 is the default: not worth a field").isNull();
        byte[] png = drawn.files().get(0).bytes();
        assertThat(promptOf(png)).as("the PNG keeps the weights for A1111 and Civitai").isEqualTo(LongPrompts.WEIGHTED);
        assertThat(Pngs.settingsOf(PngParameters.read(png).orElseThrow())).doesNotContainKey("Prompt syntax");
        assertThat(generator.generated).singleElement().extracting(r -> r.promptSyntax().name()).isEqualTo("A1111");
    }

    @Test
    void plainChosenInSettings_cutsThePrompt_theEmbedSaysWhatWasDropped_andSameSeedKeepsIt() throws Exception {
        TestGenerator generator = room.start(data);
        Request weighted = picture(imagine(FakeDiscord.ALICE, LongPrompts.WEIGHTED));

        String settings = room.discord().slash(FakeDiscord.ALICE, "settings", FakeDiscord.subcommand("mine",
                FakeDiscord.option("prompt-syntax", "plain")));
        FakeDiscord.Shown saved = room.discord().awaitMessage(settings, m -> !m.loading, WAIT, "the settings answer");
        assertThat(saved.content).startsWith("Saved.").contains("prompts read as plain");
        assertThat(saved.ephemeral).isTrue();
        Request plain = picture(imagine(FakeDiscord.ALICE, LongPrompts.WEIGHTED));

        assertThat(field(plain, "Prompt")).matches(LongPrompts.CUT);
        assertThat(field(plain, "Prompt syntax")).isEqualTo("plain");
        assertThat(Pngs.settingsOf(PngParameters.read(plain.files().get(0).bytes()).orElseThrow()))
                .containsEntry("Prompt syntax", "plain");
        assertThat(imageData(plain.files().get(0).bytes())).as("the same seed read another way draws otherwise")
                .isNotEqualTo(imageData(weighted.files().get(0).bytes()));
        assertThat(room.engine().jobs().job(jobIdOf(plain)).orElseThrow().parameters().promptSyntax())
                .isEqualTo(PromptSyntax.PLAIN);

        Request replayedByBob = picture(room.discord().click(FakeDiscord.BOB, "same:" + jobIdOf(plain)));

        assertThat(room.engine().jobs().job(jobIdOf(replayedByBob)).orElseThrow().parameters().promptSyntax())
                .as("Bob reads as a1111, but Same seed keeps the job's syntax").isEqualTo(PromptSyntax.PLAIN);
        assertThat(imageData(replayedByBob.files().get(0).bytes())).isEqualTo(imageData(plain.files().get(0).bytes()));
        assertThat(field(replayedByBob, "Prompt")).matches(LongPrompts.CUT);
        assertThat(generator.generations).as("Same seed came from the cache").hasValue(2);
    }

    @Test
    void oneRequest_canAskForItsOwnSyntax() throws Exception {
        room.start(data);

        Request plain = picture(room.discord().slash(FakeDiscord.BOB, "imagine", FakeDiscord.option("prompt",
                LongPrompts.WEIGHTED), FakeDiscord.option("steps", 1), FakeDiscord.option("size", "256x256"),
                FakeDiscord.option("prompt-syntax", "plain")));

        assertThat(field(plain, "Prompt")).matches(LongPrompts.CUT);
    }

    @Test
    void help_explainsWeightsBreakLongPromptsAndThePlainOption() throws Exception {
        room.start(data);

        String help = room.discord().slash(FakeDiscord.ALICE, "help");

        FakeDiscord.Shown shown = room.discord().awaitMessage(help, m -> !m.loading, WAIT, "the help");
        assertThat(shown.content).contains("(word:1.2)", "[word]", "BREAK", "long prompt", "prompt-syntax",
                "plain reads the text as written");
    }
}
