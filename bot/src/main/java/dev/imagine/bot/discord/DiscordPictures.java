package dev.imagine.bot.discord;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.PictureInput;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.Variation;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;

/**
 * Pictures people give Imagine on Discord: the {@code image} attachment of /imagine, or the first picture of a message
 * someone chose "Vary with Imagine" on. Each is downloaded from its attachment URL on Discord's CDN (JDA's
 * {@code AttachmentProxy}, which sends no bot token) once the size Discord states is within Imagine's limit, and the
 * download itself stops past that limit.
 */
final class DiscordPictures {
    /** How long a download may take; a picture of 20 MB on a slow link, not a hung connection. */
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);

    /** Why a picture could not be had, in words for the person who gave it. */
    static final class Unfetchable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unfetchable(String message) {
            super(message, null, false, false);
        }
    }

    private DiscordPictures() {
    }

    /** The {@code image} option of a slash command, if it has one. */
    static Optional<Message.Attachment> imageOption(SlashCommandInteraction event) {
        return attachmentOption(event, SlashCommands.IMAGE);
    }

    /** The {@code mask} option of a slash command, if it has one. */
    static Optional<Message.Attachment> maskOption(SlashCommandInteraction event) {
        return attachmentOption(event, SlashCommands.MASK);
    }

    private static Optional<Message.Attachment> attachmentOption(SlashCommandInteraction event, String name) {
        OptionMapping option = event.getOption(name);
        return option == null ? Optional.empty() : Optional.ofNullable(option.getAsAttachment());
    }

    /** {@code command} with the downloaded picture and mask: inpainting. */
    static Command.Inpaint withPictureAndMask(Command.Imagine command, Message.Attachment picture,
                                              Message.Attachment mask) {
        return new Command.Inpaint(withPicture(command, picture), new PictureInput.Upload(download(mask)));
    }

    /**
     * The picture of a message for "Vary with Imagine": its first attachment that says it is an image, or else its
     * first attachment (its content decides).
     */
    static Optional<Message.Attachment> pictureOf(Message message) {
        List<Message.Attachment> attachments = message == null ? List.of() : message.getAttachments();
        return attachments.stream().filter(Message.Attachment::isImage).findFirst()
                .or(() -> attachments.stream().findFirst());
    }

    /**
     * "Vary with Imagine": a subtle variation, as the Vary (subtle) button draws, of the prompt the picture carries (an
     * Imagine or AUTOMATIC1111 PNG says it in its parameters; for other pictures the job service asks for /imagine
     * with a prompt and the image).
     */
    static Command.Imagine variation(Requester requester) {
        return new Command.Imagine(requester, "", null, null, null, null, null, null, null,
                Variation.SUBTLE.strength());
    }

    /** {@code command} with the downloaded {@code attachment} as its picture. */
    static Command.Imagine withPicture(Command.Imagine command, Message.Attachment attachment) {
        return command.from(new PictureInput.Upload(download(attachment)));
    }

    static byte[] download(Message.Attachment attachment) {
        long max = RequestRules.MAX_PICTURE_BYTES;
        if (attachment.getSize() > max) {
            throw tooLarge(attachment.getSize());
        }
        try (InputStream in = attachment.getProxy().download().get(DOWNLOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            byte[] bytes = in.readNBytes((int) max + 1);
            if (bytes.length > max) {
                throw tooLarge(bytes.length);
            }
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unfetchable("Imagine is stopping; send the picture again in a minute.");
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            throw new Unfetchable("I could not download that picture from Discord ("
                    + (e instanceof ExecutionException && e.getCause() != null ? e.getCause().getClass()
                    .getSimpleName() : e.getClass().getSimpleName()) + "); attach it again.");
        }
    }

    private static Unfetchable tooLarge(long size) {
        return new Unfetchable(String.format(Locale.ROOT, "That file is %.1f MB; Imagine accepts pictures of up to"
                + " %d MB. Attach a smaller version (for example as JPEG).", size / 1e6,
                RequestRules.MAX_PICTURE_BYTES / 1_000_000));
    }
}
