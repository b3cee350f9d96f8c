package dev.imagine.bot.discord;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.command.ChannelRating;
import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.Reply;
import dev.imagine.bot.job.ReplyTexts;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.Channel;
import net.dv8tion.jda.api.entities.channel.attribute.IAgeRestrictedChannel;
import net.dv8tion.jda.api.events.interaction.command.MessageContextInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.Interaction;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IMessageEditCallback;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import net.dv8tion.jda.api.requests.RestAction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns slash commands and button clicks into {@link Command}s and gives each interaction the one initial response
 * Discord allows. On JDA's gateway thread it only parses the options; the job service is asked on the adapter's own
 * executor, and the answer is chosen from what it decided, well inside Discord's 3 seconds.
 *
 * <p>Why decide first: Discord fixes a response's visibility when the interaction is first answered, and the first
 * follow-up after a deferred reply only edits that reply (its ephemeral flag is ignored). A refusal is therefore
 * sent as an ephemeral reply, which only the person who asked sees, and an accepted job as a public one. Only if the
 * job service takes longer than {@link #DECISION_BUDGET} is the interaction deferred first; a refusal then goes out as
 * an ephemeral follow-up after the public placeholder has been turned into a short notice, which is then deleted.
 */
final class InteractionListener extends ListenerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InteractionListener.class);
    /** How long the job service may take before the interaction is deferred; Discord allows 3 s in all. */
    static final Duration DECISION_BUDGET = Duration.ofMillis(1500);
    private static final long ACK_TIMEOUT_SECONDS = 10;

    private final JobService jobs;
    private final DiscordSink sink;
    private final SlashOptions options;
    private final Executor executor;
    private final Duration decisionBudget;

    /** @param sizes the size choices the slash commands were registered with */
    InteractionListener(JobService jobs, DiscordSink sink, List<ImageSize> sizes, Executor executor,
                        Duration decisionBudget) {
        this.jobs = jobs;
        this.sink = sink;
        this.options = new SlashOptions(sizes);
        this.executor = executor;
        this.decisionBudget = decisionBudget;
    }

    /** Who sees the answer: a job's public message, a private answer, or the Delete button's removal. */
    private enum Kind {
        JOB, PRIVATE, DELETE;

        static Kind of(Action action) {
            if (action == Action.DELETE) {
                return DELETE;
            }
            return action.drawsAPicture() && action.ready() ? JOB : PRIVATE;
        }
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        Command command;
        try {
            command = options.parse(event, requester(event));
        } catch (SlashOptions.InvalidOption e) {
            event.reply(e.getMessage()).setEphemeral(true).queue(null,
                    failure -> LOG.info("could not answer /{}: {}", event.getName(), failure.toString()));
            return;
        }
        Optional<Message.Attachment> image = DiscordPictures.imageOption(event);
        if (command instanceof Command.Imagine imagine && image.isEmpty() && imagine.strength() != null) {
            event.reply("strength is for starting from a picture: add it as image: (or leave strength out)")
                    .setEphemeral(true).queue(null,
                            failure -> LOG.info("could not answer /{}: {}", event.getName(), failure.toString()));
            return;
        }
        Optional<Message.Attachment> mask = DiscordPictures.maskOption(event);
        if (command instanceof Command.Imagine && image.isEmpty() && mask.isPresent()) {
            event.reply("mask: paints over a picture: add the picture as image: (white in the mask is redrawn,"
                    + " black is kept)").setEphemeral(true).queue(null,
                            failure -> LOG.info("could not answer /{}: {}", event.getName(), failure.toString()));
            return;
        }
        if (command instanceof Command.Imagine imagine && mask.isPresent()) {
            handOff(event, imagine, Kind.JOB, "/" + event.getName(),
                    () -> DiscordPictures.withPictureAndMask(imagine, image.get(), mask.get()));
            return;
        }
        if (command instanceof Command.Imagine imagine && image.isPresent()) {
            // Downloaded while the job service decides: within the decision budget, or after a deferral.
            handOff(event, imagine, Kind.JOB, "/" + event.getName(),
                    () -> DiscordPictures.withPicture(imagine, image.get()));
            return;
        }
        handOff(event, command, command instanceof Command.Imagine ? Kind.JOB : Kind.PRIVATE, "/" + event.getName());
    }

    /** "Vary with Imagine" on a message: a subtle variation of its first picture. */
    @Override
    public void onMessageContextInteraction(MessageContextInteractionEvent event) {
        if (!event.getName().equals(SlashCommands.VARY_WITH_IMAGINE)) {
            return;
        }
        Optional<Message.Attachment> picture = DiscordPictures.pictureOf(event.getTarget());
        if (picture.isEmpty()) {
            event.reply("That message has no picture to vary; use it on a message with an image attached, or"
                    + " /imagine with image:.").setEphemeral(true).queue(null,
                    failure -> LOG.info("could not answer {}: {}", event.getName(), failure.toString()));
            return;
        }
        Command.Imagine variation = DiscordPictures.variation(requester(event));
        handOff(event, variation, Kind.JOB, event.getName(),
                () -> DiscordPictures.withPicture(variation, picture.get()));
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        Optional<ActionRef> pressed = CustomIds.parse(event.getComponentId());
        if (pressed.isEmpty()) {
            event.reply(ReplyTexts.UNKNOWN_BUTTON).setEphemeral(true).queue();
            return;
        }
        Action action = pressed.get().action();
        handOff(event, action.command(requester(event), pressed.get().jobId()), Kind.of(action), action.label());
    }

    private void handOff(IReplyCallback interaction, Command command, Kind kind, String what) {
        handOff(interaction, command, kind, what, () -> command);
    }

    /**
     * @param ready the command as the job service gets it, made on the adapter's executor (a picture is downloaded
     *              there); {@code command} is what is known before (who asks)
     */
    private void handOff(IReplyCallback interaction, Command command, Kind kind, String what,
                         Supplier<Command> ready) {
        Origin origin = new Origin(interaction.getJDA().getSelfUser().getApplicationId(), interaction.getId(),
                interaction.getToken(), interaction.getChannelId(),
                interaction.getGuild() == null ? null : interaction.getGuild().getId(), interaction.getUser().getId(),
                interaction.getTimeCreated().toInstant());
        executor.execute(() -> answer(interaction, command, kind, what, origin, ready));
    }

    private void answer(IReplyCallback interaction, Command command, Kind kind, String what, Origin origin,
                        Supplier<Command> ready) {
        CompletableFuture<Void> responded = new CompletableFuture<>();
        sink.holdUpdatesUntil(origin.interactionId(), responded);
        CompletableFuture<Reply> decision = CompletableFuture.supplyAsync(() -> decide(ready, what, origin),
                executor);
        if (decisionBudget.isZero()) {
            // No budget at all means: always defer first (a zero wait would still take a decision already made).
            answerAfterDeferral(interaction, command, kind, what, origin, decision, responded);
            return;
        }
        Reply reply;
        try {
            reply = decision.get(decisionBudget.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} from Discord user {} took longer than {} ms to decide; answering after a deferral", what,
                    origin.userId(), decisionBudget.toMillis());
            answerAfterDeferral(interaction, command, kind, what, origin, decision, responded);
            return;
        } catch (ExecutionException e) {
            reply = new Reply.Refused(ReplyTexts.SOMETHING_WRONG);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            responded.complete(null);
            return;
        }
        Reply decided = reply;
        initialResponse(interaction, kind, decided).submit().whenComplete((hook, failure) -> {
            responded.complete(null);
            if (failure != null) {
                notAnswered(command, what, origin, decided, failure);
                return;
            }
            switch (decided) {
                case Reply.Finished finished when kind == Kind.JOB ->
                        sink.finished(finished.job(), finished.pngs(), Duration.ZERO);
                case Reply.Info info when kind == Kind.DELETE -> hook.deleteOriginal().queue(null, this::logFailure);
                default -> { }
            }
        });
    }

    private Reply decide(Supplier<Command> ready, String what, Origin origin) {
        try {
            return jobs.handle(ready.get(), origin.toJson());
        } catch (DiscordPictures.Unfetchable e) {
            jobs.refusedByAdapter(DiscordBot.PLATFORM);
            return new Reply.Refused(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} from Discord user {} failed", what, origin.userId(), e);
            return new Reply.Refused(ReplyTexts.SOMETHING_WRONG);
        }
    }

    /**
     * The one initial response, chosen from the decision: refusals and private answers as ephemeral replies, an
     * accepted job as the public "queued" reply, a picture from the cache as a public deferral the sink then edits
     * (an upload has no place in the 3 seconds), and a permitted Delete as a deferred update of the picture's
     * message, which is then deleted.
     */
    private static RestAction<InteractionHook> initialResponse(IReplyCallback interaction, Kind kind, Reply reply) {
        if (reply instanceof Reply.Refused refused) {
            return privately(interaction, refused.message());
        }
        return switch (kind) {
            case JOB -> switch (reply) {
                case Reply.Accepted accepted -> interaction.reply(ReplyTexts.queued(accepted.position(),
                        accepted.eta()).withIcon()).setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
                case Reply.Finished finished -> interaction.deferReply(false);
                default -> privately(interaction, ReplyTexts.text(reply));
            };
            case PRIVATE -> privately(interaction, ReplyTexts.text(reply));
            case DELETE -> ((IMessageEditCallback) interaction).deferEdit();
        };
    }

    private static RestAction<InteractionHook> privately(IReplyCallback interaction, String text) {
        return interaction.reply(ReplyTexts.shorten(text, Messages.CONTENT_LIMIT)).setEphemeral(true)
                .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
    }

    /**
     * Discord did not take the initial response (too late, or unreachable): the person saw "interaction failed", so
     * a job accepted for them is cancelled rather than left to run unseen.
     */
    private void notAnswered(Command command, String what, Origin origin, Reply reply, Throwable failure) {
        if (reply instanceof Reply.Accepted accepted) {
            LOG.warn("could not answer {} from Discord user {} ({}); job {} is cancelled", what, origin.userId(),
                    failure.toString(), accepted.job().id());
            try {
                jobs.handle(new Command.Cancel(command.requester(), accepted.job().id()), origin.toJson());
            } catch (RuntimeException e) {
                LOG.error("job {} could not be cancelled", accepted.job().id(), e);
            }
        } else {
            LOG.warn("could not answer {} from Discord user {}: {}", what, origin.userId(), failure.toString());
        }
    }

    /**
     * The slow path: the interaction is deferred while the job service is still deciding (publicly for a job, so the
     * picture can replace it; ephemerally for a private answer; as a deferred update of the message for Delete).
     */
    private void answerAfterDeferral(IReplyCallback interaction, Command command, Kind kind, String what,
                                     Origin origin, CompletableFuture<Reply> decision,
                                     CompletableFuture<Void> responded) {
        RestAction<InteractionHook> deferral = switch (kind) {
            case JOB -> interaction.deferReply(false);
            case PRIVATE -> interaction.deferReply(true);
            case DELETE -> ((IMessageEditCallback) interaction).deferEdit();
        };
        CompletableFuture<InteractionHook> ack = deferral.submit();
        ack.whenComplete((hook, failure) -> responded.complete(null));
        Reply reply = decision.join();
        InteractionHook hook;
        try {
            hook = ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            notAnswered(command, what, origin, reply, e instanceof ExecutionException ? e.getCause() : e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        switch (kind) {
            case JOB -> {
                switch (reply) {
                    case Reply.Accepted accepted -> sink.accepted(accepted.job(), accepted.position(), accepted.eta());
                    case Reply.Finished finished -> sink.finished(finished.job(), finished.pngs(), Duration.ZERO);
                    case Reply.Refused refused -> refuseAfterPublicDeferral(hook, refused.message());
                    case Reply.Info info -> hook.editOriginal(Messages.text(info.text()))
                            .queue(null, this::logFailure);
                }
            }
            case PRIVATE -> hook.editOriginal(Messages.text(ReplyTexts.text(reply))).queue(null, this::logFailure);
            case DELETE -> {
                if (reply instanceof Reply.Refused refused) {
                    // After a deferred update a follow-up is a new message, so its ephemeral flag holds.
                    hook.sendMessage(ReplyTexts.shorten(refused.message(), Messages.CONTENT_LIMIT)).setEphemeral(true)
                            .queue(null, this::logFailure);
                } else {
                    hook.deleteOriginal().queue(null, this::logFailure);
                }
            }
        }
    }

    /**
     * The public placeholder cannot become private, and the first follow-up would only edit it. So it first becomes
     * a neutral notice; then the reason goes out as an ephemeral follow-up (now a message of its own), and the notice
     * is deleted.
     */
    private void refuseAfterPublicDeferral(InteractionHook hook, String message) {
        hook.editOriginal(Messages.NOT_TAKEN)
                .flatMap(notice -> hook.sendMessage(ReplyTexts.shorten(message, Messages.CONTENT_LIMIT))
                        .setEphemeral(true))
                .flatMap(refusal -> hook.deleteOriginal())
                .queue(null, this::logFailure);
    }

    private void logFailure(Throwable failure) {
        LOG.info("a Discord answer could not be sent: {}", failure.toString());
    }

    static Requester requester(Interaction interaction) {
        net.dv8tion.jda.api.entities.User user = interaction.getUser();
        Member member = interaction.getMember();
        boolean admin = member != null && member.hasPermission(Permission.MANAGE_SERVER);
        return new Requester(new User(DiscordBot.PLATFORM, user.getId(), user.getEffectiveName()),
                interaction.getGuild() == null ? null : interaction.getGuild().getId(), interaction.getChannelId(),
                admin, rating(interaction));
    }

    /**
     * A server channel is age-restricted only when Discord marks it so; anything else (a direct message, a thread, a
     * channel Discord did not describe) counts as for everyone, so a flagged picture is never shown plainly there.
     */
    static ChannelRating rating(Interaction interaction) {
        Channel channel = interaction.getGuild() == null ? null : interaction.getChannel();
        return channel instanceof IAgeRestrictedChannel restricted && restricted.isNSFW()
                ? ChannelRating.AGE_RESTRICTED : ChannelRating.GENERAL;
    }
}
