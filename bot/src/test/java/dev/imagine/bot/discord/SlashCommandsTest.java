package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestRules;
import java.util.List;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.junit.jupiter.api.Test;

class SlashCommandsTest {

    @Test
    void theCommands_workInServersAndDirectMessages_butModerateOnlyInServersForManageServer() {
        assertThat(SlashCommands.all(RequestRules.SIZE_CHOICES)).extracting(CommandData::getName)
                .containsExactly("imagine", "queue", "cancel", "settings", "help", "moderate", "Vary with Imagine");
        for (CommandData command : SlashCommands.all(RequestRules.SIZE_CHOICES)) {
            if (command.getName().equals("moderate")) {
                assertThat(command.getContexts()).containsExactly(InteractionContextType.GUILD);
                assertThat(command.getDefaultPermissions().getPermissionsRaw()).isEqualTo(1L << 5);
                continue;
            }
            assertThat(command.getContexts()).as(command.getName())
                    .containsExactlyInAnyOrder(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
        }
    }

    @Test
    void imagine_takesAnImageAttachmentAndAStrength_andVaryWithImagineIsAMessageCommand() {
        List<CommandData> all = SlashCommands.all(RequestRules.SIZE_CHOICES);
        String imagine = all.get(0).toData().getArray("options").toString();

        assertThat(imagine).contains("\"name\":\"image\"").contains("\"type\":11")
                .contains("\"name\":\"strength\"").contains("\"max_value\":1");
        assertThat(all.getLast().getType()).isEqualTo(net.dv8tion.jda.api.interactions.commands.Command.Type.MESSAGE);
    }

    @Test
    void everyOfferedSize_isInsideTheAbsoluteLimits() {
        assertThat(RequestRules.SIZE_CHOICES).extracting(ImageSize::toString)
                .contains("512x512", "512x768", "768x512", "384x384");
        for (ImageSize size : RequestRules.SIZE_CHOICES) {
            assertThat(size.width() % 8).isZero();
            assertThat(size.height() % 8).isZero();
            assertThat(size.width()).isBetween(Limits.MIN_SIDE, Limits.ABSOLUTE_MAX_SIDE);
            assertThat(size.height()).isBetween(Limits.MIN_SIDE, Limits.ABSOLUTE_MAX_SIDE);
        }
    }

    @Test
    void theHash_isStableForTheSameCommands_andChangesWithThem() {
        String hash = CommandRegistration.hash(SlashCommands.all(RequestRules.SIZE_CHOICES));
        assertThat(CommandRegistration.hash(SlashCommands.all(RequestRules.SIZE_CHOICES))).isEqualTo(hash);

        SlashCommandData extra = Commands.slash("extra", "Something new");
        List<CommandData> changed = new java.util.ArrayList<>(SlashCommands.all(RequestRules.SIZE_CHOICES));
        changed.add(extra);
        assertThat(CommandRegistration.hash(changed)).isNotEqualTo(hash);

        List<CommandData> described = new java.util.ArrayList<>(SlashCommands.all(RequestRules.SIZE_CHOICES));
        described.set(4, Commands.slash("help", "What Imagine can do, in other words"));
        assertThat(CommandRegistration.hash(described)).isNotEqualTo(hash);
    }

    @Test
    void atTheDefaultLimits_theCommandsAreThoseEarlierVersionsRegistered_soAnUpgradeSpendsNoCommandCreates() {
        List<ImageSize> sizes = RequestRules.sizesWithin(Limits.DEFAULTS, ImageSize.SQUARE_512);

        // Changed on purpose: pictures as input (/imagine's image and strength, the message command "Vary with
        // Imagine"), issue 17's prompt-syntax option, inpainting (/imagine's mask) and issue 19's /moderate: the first
        // start after such an upgrade registers the commands again, the ones after it do not.
        assertThat(CommandRegistration.hash(SlashCommands.all(sizes)))
                .isEqualTo("e763b61a566ad3c174a5bbaf5471a972af6c5972f3a288d0b58722f5716afcca");
    }

    @Test
    void theSizeChoices_areThoseWithinTheConfiguredLimits_andTheDefaultSize() {
        List<ImageSize> sizes = RequestRules.sizesWithin(new Limits(8, 512, 4, 1000), new ImageSize(320, 320));

        assertThat(sizes).extracting(ImageSize::toString)
                .containsExactly("512x512", "384x384", "256x256", "320x320");
        CommandData imagine = SlashCommands.all(sizes).get(0);
        assertThat(imagine.toData().getArray("options").toList().toString())
                .contains("512x512", "384x384", "256x256", "320x320").doesNotContain("768");
    }

    @Test
    void theInvite_asksForExactlyThePermissionsTheReadmeNames() {
        // View Channel, Send Messages, Embed Links, Attach Files, Read Message History.
        assertThat(Permissions.INVITE).isEqualTo(117760L);
    }
}
