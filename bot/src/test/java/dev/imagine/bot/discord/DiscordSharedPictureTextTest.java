package dev.imagine.bot.discord;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Discord users whose prompts tokenize alike share one picture: the second gets it from the cache, and both the
 * attached PNG and the embed show the second user's own prompt, never the first one's.
 */
class DiscordSharedPictureTextTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    private static final ImageGenerator pipeline = TinyModel.shared();

    @TempDir
    Path data;

    @RegisterExtension
    final DiscordRoom room = new DiscordRoom(pipeline, WAIT);

    @Test
    void aCachedPicture_isPostedWithTheSecondUsersOwnPrompt_inThePngAndTheEmbed() throws Exception {
        TestGenerator generator = room.start(data);
        Request alices = room.picture(room.imagine(FakeDiscord.ALICE, "My Private Diary Entry"));

        Request bobs = room.picture(room.imagine(FakeDiscord.BOB, "my   private diary entry"));

        assertThat(generator.generations).as("Bob's picture came from the cache").hasValue(1);
        byte[] bobsPng = bobs.files().get(0).bytes();
        byte[] alicesPng = alices.files().get(0).bytes();
        assertThat(promptOf(bobsPng)).isEqualTo("my   private diary entry");
        assertThat(new String(bobsPng, StandardCharsets.ISO_8859_1)).doesNotContain("My Private Diary Entry");
        assertThat(imageData(bobsPng)).isEqualTo(imageData(alicesPng));
        DataObject embed = bobs.payload().getArray("embeds").getObject(0);
        assertThat(embed.getString("description")).isEqualTo("my   private diary entry");
        assertThat(embed.toString()).doesNotContain("My Private Diary Entry");
        assertThat(promptOf(alicesPng)).isEqualTo("My Private Diary Entry");
    }
}
