package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import java.util.List;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.junit.jupiter.api.Test;

class SlashCommandsTest {

    @Test
    void theCommands_workInServersAndDirectMessages() {
        assertThat(SlashCommands.all()).extracting(CommandData::getName)
                .containsExactly("imagine", "queue", "cancel", "settings", "help");
        for (CommandData command : SlashCommands.all()) {
            assertThat(command.getContexts()).as(command.getName())
                    .containsExactlyInAnyOrder(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
        }
    }

    @Test
    void everyOfferedSize_isInsideTheAbsoluteLimits() {
        assertThat(SlashCommands.SIZES).contains("512x512", "512x768", "768x512", "384x384");
        for (String text : SlashCommands.SIZES) {
            ImageSize size = ImageSize.parse(text);
            assertThat(size.width() % 8).isZero();
            assertThat(size.height() % 8).isZero();
            assertThat(size.width()).isBetween(Limits.MIN_SIDE, Limits.ABSOLUTE_MAX_SIDE);
            assertThat(size.height()).isBetween(Limits.MIN_SIDE, Limits.ABSOLUTE_MAX_SIDE);
        }
    }

    @Test
    void theHash_isStableForTheSameCommands_andChangesWithThem() {
        String hash = CommandRegistration.hash(SlashCommands.all());
        assertThat(CommandRegistration.hash(SlashCommands.all())).isEqualTo(hash);

        SlashCommandData extra = Commands.slash("extra", "Something new");
        List<CommandData> changed = new java.util.ArrayList<>(SlashCommands.all());
        changed.add(extra);
        assertThat(CommandRegistration.hash(changed)).isNotEqualTo(hash);

        List<CommandData> described = new java.util.ArrayList<>(SlashCommands.all());
        described.set(4, Commands.slash("help", "What Imagine can do, in other words"));
        assertThat(CommandRegistration.hash(described)).isNotEqualTo(hash);
    }

    @Test
    void theInvite_asksForExactlyThePermissionsTheReadmeNames() {
        // View Channel, Send Messages, Embed Links, Attach Files, Read Message History.
        assertThat(Permissions.INVITE).isEqualTo(117760L);
    }
}
