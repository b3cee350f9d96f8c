package dev.imagine.bot.discord;

import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.job.Durations;
import dev.imagine.bot.job.Job;
import java.awt.Color;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/** What Imagine's Discord messages look like. */
final class Messages {
    private static final Color IMAGINE_BLUE = new Color(0x3B82F6);

    private Messages() {
    }

    /** What a public placeholder says for a moment before it is deleted, when a refusal had to follow a deferral. */
    static final String NOT_TAKEN = "Imagine could not take this request; the reason went to the person who asked.";

    static String queued(int position, Duration eta) {
        if (position <= 0) {
            return "⏳ Queued · the same picture is being drawn right now; you get it when it is done";
        }
        return "⏳ Queued #" + position + " · " + Durations.about(eta);
    }

    static String drawing() {
        return "🎨 Drawing…";
    }

    static String progress(int step, int totalSteps) {
        return "🎨 Drawing… step " + step + "/" + totalSteps;
    }

    static String fileName(Job job, int index, int count) {
        return count == 1 ? "imagine-" + job.id() + ".png" : "imagine-" + job.id() + "-" + (index + 1) + ".png";
    }

    /** The finished picture(s) with the embed and the buttons; {@code mention} tags the requester (fallbacks). */
    static MessageCreateData result(Job job, List<byte[]> pngs, Duration elapsed, String mentionUserId) {
        List<FileUpload> files = new ArrayList<>();
        for (int i = 0; i < pngs.size(); i++) {
            files.add(FileUpload.fromData(pngs.get(i), fileName(job, i, pngs.size())));
        }
        MessageCreateBuilder message = new MessageCreateBuilder()
                .setEmbeds(embed(job, elapsed, fileName(job, 0, pngs.size())))
                .setFiles(files)
                .setComponents(buttons(job.id()));
        if (mentionUserId != null) {
            message.setContent("<@" + mentionUserId + "> your picture is ready.")
                    .setAllowedMentions(EnumSet.of(Message.MentionType.USER))
                    .mentionUsers(mentionUserId);
        } else {
            message.setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
        }
        return message.build();
    }

    static MessageEditData asEdit(MessageCreateData data) {
        return MessageEditBuilder.fromCreateData(data).setReplace(true).build();
    }

    /** A plain text in place of whatever the message showed (no embed, no buttons, no files). */
    static MessageEditData text(String text) {
        return new MessageEditBuilder().setContent(text).setReplace(true).build();
    }

    static MessageCreateData mentionText(String userId, String text) {
        return new MessageCreateBuilder().setContent("<@" + userId + "> " + text)
                .setAllowedMentions(EnumSet.of(Message.MentionType.USER)).mentionUsers(userId).build();
    }

    static MessageEmbed embed(Job job, Duration elapsed, String imageFile) {
        JobParameters p = job.parameters();
        String seeds = p.count() == 1 ? Long.toString(p.seed()) : p.seed() + "–" + (p.seed() + p.count() - 1);
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(IMAGINE_BLUE)
                .setDescription(shorten(p.prompt(), MessageEmbed.DESCRIPTION_MAX_LENGTH))
                .addField("Seed", seeds, true)
                .addField("Steps", Integer.toString(p.steps()), true)
                .addField("Size", p.size().toString(), true)
                .addField("Guidance", String.format(Locale.ROOT, "%.1f", p.guidance()), true)
                .addField("Time", job.fromCache() ? "from cache" : took(elapsed), true)
                .setImage("attachment://" + imageFile)
                .setFooter("job " + job.id() + " · " + job.owner().displayName()
                        + (job.fromCache() ? " · from cache" : ""));
        if (p.count() > 1) {
            embed.addField("Pictures", Integer.toString(p.count()), true);
        }
        return embed.build();
    }

    /** "0.8 s", "12 s", "3 min". */
    static String took(Duration elapsed) {
        if (elapsed.isNegative()) {
            return "0 s";
        }
        if (elapsed.compareTo(Duration.ofSeconds(10)) < 0) {
            return String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0);
        }
        return Durations.words(elapsed);
    }

    static ActionRow buttons(String jobId) {
        return ActionRow.of(
                Button.secondary(CustomIds.of(CustomIds.SAME_SEED, jobId), "Same seed"),
                Button.secondary(CustomIds.of(CustomIds.REROLL, jobId), "Re-roll"),
                Button.secondary(CustomIds.of(CustomIds.VARY, jobId), "Vary").asDisabled(),
                Button.secondary(CustomIds.of(CustomIds.UPSCALE, jobId), "Upscale").asDisabled(),
                Button.danger(CustomIds.of(CustomIds.DELETE, jobId), "Delete"));
    }

    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
