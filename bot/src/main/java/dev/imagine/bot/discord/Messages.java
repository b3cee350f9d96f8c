package dev.imagine.bot.discord;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.ReplyTexts;
import java.awt.Color;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
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

/** What Imagine's Discord messages look like: the shared texts ({@link ReplyTexts}) as Discord shows them. */
final class Messages {
    private static final Color IMAGINE_BLUE = new Color(0x3B82F6);
    /** Discord's limit for a message's content. */
    static final int CONTENT_LIMIT = 2000;
    /** Discord hides an attachment whose file name starts with this until it is clicked. */
    static final String SPOILER_PREFIX = "SPOILER_";

    private Messages() {
    }

    /** What a public placeholder says for a moment before it is deleted, when a refusal had to follow a deferral. */
    static final String NOT_TAKEN = "Imagine could not take this request; the reason went to the person who asked.";

    /** A status line as the whole content of a message (no embed, no buttons, no files). */
    static MessageEditData status(ReplyTexts.Line line) {
        return text(line.withIcon());
    }

    /** The finished picture(s) with the embed and the buttons; {@code mention} tags the requester (fallbacks). */
    static MessageCreateData result(Job job, List<byte[]> pngs, Duration elapsed, String mentionUserId) {
        List<FileUpload> files = new ArrayList<>();
        boolean anySpoiler = false;
        for (int i = 0; i < pngs.size(); i++) {
            // A flagged picture: Discord shows an attachment named SPOILER_… blurred until it is clicked (JDA also
            // marks such a file is_spoiler).
            files.add(FileUpload.fromData(pngs.get(i), (job.spoiler(i) ? SPOILER_PREFIX : "")
                    + ReplyTexts.fileName(job, i)));
            anySpoiler |= job.spoiler(i);
        }
        MessageCreateBuilder message = new MessageCreateBuilder()
                // An embed's image is never hidden by a spoiler, so a hidden picture is only an attachment.
                .setEmbeds(embed(job, elapsed, anySpoiler ? null : ReplyTexts.fileName(job, 0)))
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
        return new MessageEditBuilder().setContent(ReplyTexts.shorten(text, CONTENT_LIMIT)).setReplace(true).build();
    }

    /** A failure where the reply can no longer be edited: in the channel mentioning the requester, or in a DM. */
    static MessageCreateData failure(String userIdToMention, String message) {
        String text = ReplyTexts.failed(message).withIcon();
        if (userIdToMention == null) {
            return new MessageCreateBuilder().setContent(ReplyTexts.shorten(text, CONTENT_LIMIT)).build();
        }
        return new MessageCreateBuilder().setContent(ReplyTexts.shorten("<@" + userIdToMention + "> " + text,
                        CONTENT_LIMIT))
                .setAllowedMentions(EnumSet.of(Message.MentionType.USER)).mentionUsers(userIdToMention).build();
    }

    static MessageEmbed embed(Job job, Duration elapsed, String imageFile) {
        JobParameters p = job.parameters();
        EmbedBuilder embed = new EmbedBuilder()
                .setColor(IMAGINE_BLUE)
                .setDescription(ReplyTexts.shorten(p.prompt(), MessageEmbed.DESCRIPTION_MAX_LENGTH))
                .addField("Seed", ReplyTexts.seeds(p), true)
                .addField("Steps", Integer.toString(p.steps()), true)
                .addField("Size", p.size().toString(), true)
                .addField("Guidance", RequestRules.number(p.guidance()), true)
                .addField("Time", Objects.requireNonNullElse(ReplyTexts.took(job, elapsed), "0 s"), true)
                .setImage(imageFile == null ? null : "attachment://" + imageFile)
                .setFooter("job " + job.id() + " · " + job.owner().displayName()
                        + (job.fromCache() ? " · " + ReplyTexts.FROM_CACHE : ""));
        if (p.count() > 1) {
            embed.addField("Pictures", Integer.toString(p.count()), true);
        }
        if (p.decoder() == Decoder.FAST) {
            embed.addField("Decoder", "fast", true);
        }
        if (p.source() != null) {
            embed.addField("From", switch (p.source().kind()) {
                case IMAGE_TO_IMAGE -> "a picture, strength " + RequestRules.number((float) p.source().strength());
                case UPSCALE -> "Upscale 2×";
                case UPSCALE_DETAILED -> "Upscale 2× (detailed)";
                case INPAINT -> "a picture and a mask, strength " + RequestRules.number((float) p.source().strength());
                case OUTPAINT -> ReplyTexts.outpaintName(p.source().outpaint());
            }, true);
        }
        if (p.promptSyntax() == PromptSyntax.PLAIN) {
            embed.addField("Prompt syntax", PromptSyntax.PLAIN.label(), true);
        }
        String reading = ReplyTexts.reading(job.reading());
        if (reading != null) {
            embed.addField("Prompt", reading, false);
        }
        return embed.build();
    }

    /**
     * The actions under a picture, in rows of at most {@link #BUTTONS_PER_ROW} (Discord's limit): drawing again and
     * the variations first, then the upscales and the zooms, then the four pans and Delete. Those the job service
     * does not do yet are shown disabled.
     */
    static List<ActionRow> buttons(String jobId) {
        List<Button> buttons = new ArrayList<>();
        for (Action action : Action.UNDER_A_PICTURE) {
            String id = CustomIds.of(action, jobId);
            Button button = action == Action.DELETE ? Button.danger(id, action.label())
                    : Button.secondary(id, action.label());
            buttons.add(action.ready() ? button : button.asDisabled());
        }
        int upscales = Action.UNDER_A_PICTURE.indexOf(Action.UPSCALE);
        int pans = Action.UNDER_A_PICTURE.indexOf(Action.PAN_LEFT);
        return List.of(ActionRow.of(buttons.subList(0, upscales)), ActionRow.of(buttons.subList(upscales, pans)),
                ActionRow.of(buttons.subList(pans, buttons.size())));
    }

    /** Discord allows five buttons in an action row. */
    static final int BUTTONS_PER_ROW = 5;
}
