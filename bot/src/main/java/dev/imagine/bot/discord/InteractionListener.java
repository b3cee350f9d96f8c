package dev.imagine.bot.discord;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.JobService;
import dev.imagine.bot.job.Reply;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.Interaction;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IMessageEditCallback;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;
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
    static final String PLATFORM = "discord";
    /** How long the job service may take before the interaction is deferred; Discord allows 3 s in all. */
    static final Duration DECISION_BUDGET = Duration.ofMillis(1500);
    private static final long ACK_TIMEOUT_SECONDS = 10;
    private static final Pattern SNOWFLAKE = Pattern.compile("\\d{5,20}");
    private static final String SOMETHING_WRONG = "Something went wrong on my side; please try again in a moment.";

    private final JobService jobs;
    private final DiscordSink sink;
    private final Executor executor;
    private final Duration decisionBudget;

    InteractionListener(JobService jobs, DiscordSink sink, Executor executor, Duration decisionBudget) {
        this.jobs = jobs;
        this.sink = sink;
        this.executor = executor;
        this.decisionBudget = decisionBudget;
    }

    /** Who sees the answer: a job's public message, a private answer, or the Delete button's removal. */
    private enum Kind { JOB, PRIVATE, DELETE }

    /** Options that Discord would not send, or that we can tell are wrong before asking the job service. */
    static final class InvalidOption extends Exception {
        InvalidOption(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        Command command;
        try {
            command = parse(event, requester(event));
        } catch (InvalidOption e) {
            event.reply(e.getMessage()).setEphemeral(true).queue(null,
                    failure -> LOG.info("could not answer /{}: {}", event.getName(), failure.toString()));
            return;
        }
        handOff(event, command, command instanceof Command.Imagine ? Kind.JOB : Kind.PRIVATE, "/" + event.getName());
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        var parsed = CustomIds.parse(event.getComponentId());
        if (parsed.isEmpty()) {
            event.reply("This button is not one of Imagine's (any more).").setEphemeral(true).queue();
            return;
        }
        Requester who = requester(event);
        String jobId = parsed.get().jobId();
        switch (parsed.get().verb()) {
            case CustomIds.SAME_SEED -> handOff(event, new Command.Replay(who, jobId), Kind.JOB, "Same seed");
            case CustomIds.REROLL -> handOff(event, new Command.Reroll(who, jobId), Kind.JOB, "Re-roll");
            case CustomIds.VARY -> handOff(event, new Command.Vary(who, jobId), Kind.PRIVATE, "Vary");
            case CustomIds.UPSCALE -> handOff(event, new Command.Upscale(who, jobId), Kind.PRIVATE, "Upscale");
            case CustomIds.DELETE -> handOff(event, new Command.Delete(who, jobId), Kind.DELETE, "Delete");
            default -> event.reply("This button does nothing yet.").setEphemeral(true).queue();
        }
    }

    private void handOff(IReplyCallback interaction, Command command, Kind kind, String what) {
        Origin origin = new Origin(interaction.getJDA().getSelfUser().getApplicationId(), interaction.getId(),
                interaction.getToken(), interaction.getChannelId(),
                interaction.getGuild() == null ? null : interaction.getGuild().getId(), interaction.getUser().getId(),
                interaction.getTimeCreated().toInstant());
        executor.execute(() -> answer(interaction, command, kind, what, origin));
    }

    private void answer(IReplyCallback interaction, Command command, Kind kind, String what, Origin origin) {
        CompletableFuture<Void> responded = new CompletableFuture<>();
        sink.holdUpdatesUntil(origin.interactionId(), responded);
        CompletableFuture<Reply> decision = CompletableFuture.supplyAsync(() -> decide(command, what, origin),
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
            reply = new Reply.Refused(SOMETHING_WRONG);
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

    private Reply decide(Command command, String what, Origin origin) {
        try {
            return jobs.handle(command, origin.toJson());
        } catch (RuntimeException e) {
            LOG.error("{} from Discord user {} failed", what, origin.userId(), e);
            return new Reply.Refused(SOMETHING_WRONG);
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
                case Reply.Accepted accepted -> interaction.reply(Messages.queued(accepted.position(), accepted.eta()))
                        .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
                case Reply.Finished finished -> interaction.deferReply(false);
                default -> privately(interaction, text(reply));
            };
            case PRIVATE -> privately(interaction, text(reply));
            case DELETE -> ((IMessageEditCallback) interaction).deferEdit();
        };
    }

    private static RestAction<InteractionHook> privately(IReplyCallback interaction, String text) {
        return interaction.reply(Messages.shorten(text, 2000)).setEphemeral(true)
                .setAllowedMentions(EnumSet.noneOf(Message.MentionType.class));
    }

    private static String text(Reply reply) {
        return switch (reply) {
            case Reply.Refused refused -> refused.message();
            case Reply.Info info -> info.text();
            case Reply.Accepted accepted -> Messages.queued(accepted.position(), accepted.eta());
            case Reply.Finished finished -> "Done.";
        };
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
                    case Reply.Info info -> hook.editOriginal(Messages.shorten(info.text(), 2000))
                            .queue(null, this::logFailure);
                }
            }
            case PRIVATE -> hook.editOriginal(Messages.shorten(text(reply), 2000)).queue(null, this::logFailure);
            case DELETE -> {
                if (reply instanceof Reply.Refused refused) {
                    // After a deferred update a follow-up is a new message, so its ephemeral flag holds.
                    hook.sendMessage(Messages.shorten(refused.message(), 2000)).setEphemeral(true)
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
                .flatMap(notice -> hook.sendMessage(Messages.shorten(message, 2000)).setEphemeral(true))
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
        return new Requester(new User(PLATFORM, user.getId(), user.getEffectiveName()),
                interaction.getGuild() == null ? null : interaction.getGuild().getId(), interaction.getChannelId(),
                admin);
    }

    // ---- options ----

    static Command parse(SlashCommandInteraction event, Requester who) throws InvalidOption {
        return switch (event.getName()) {
            case SlashCommands.IMAGINE -> new Command.Imagine(who, string(event, "prompt"), seed(event),
                    integer(event, "steps"), size(event), guidance(event), integer(event, "count"), decoder(event));
            case SlashCommands.QUEUE -> new Command.QueueStatus(who);
            case SlashCommands.CANCEL -> new Command.Cancel(who, null);
            case SlashCommands.HELP -> new Command.Help(who);
            case SlashCommands.SETTINGS -> new Command.Settings(who, settingsChange(event));
            default -> throw new InvalidOption("I don't know /" + event.getName() + "; try /help.");
        };
    }

    private static SettingsChange settingsChange(SlashCommandInteraction event) throws InvalidOption {
        String sub = event.getSubcommandName();
        if (sub == null || sub.equals(SlashCommands.SETTINGS_SHOW)) {
            return new SettingsChange.Show();
        }
        if (sub.equals(SlashCommands.SETTINGS_MINE)) {
            OptionMapping reset = event.getOption("reset");
            if (reset != null && reset.getAsBoolean()) {
                return new SettingsChange.ResetUserDefaults();
            }
            Integer steps = integer(event, "steps");
            ImageSize size = size(event);
            Float guidance = guidance(event);
            Integer count = integer(event, "count");
            Decoder decoder = decoder(event);
            if (steps == null && size == null && guidance == null && count == null && decoder == null) {
                return new SettingsChange.Show();
            }
            return new SettingsChange.UserDefaults(steps, size, guidance, count, decoder);
        }
        if (sub.equals(SlashCommands.SETTINGS_SERVER)) {
            return new SettingsChange.CommunityLimits(integer(event, "max_steps"), integer(event, "max_side"),
                    integer(event, "max_count"), integer(event, "max_prompt_length"), channels(event));
        }
        throw new InvalidOption("/settings has show, mine and server.");
    }

    private static String string(SlashCommandInteraction event, String name) {
        OptionMapping option = event.getOption(name);
        return option == null ? null : option.getAsString();
    }

    private static Integer integer(SlashCommandInteraction event, String name) throws InvalidOption {
        OptionMapping option = event.getOption(name);
        if (option == null) {
            return null;
        }
        try {
            long value = option.getAsLong();
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new InvalidOption(name + " " + value + " is far too large.");
            }
            return (int) value;
        } catch (IllegalStateException | NumberFormatException e) {
            throw new InvalidOption(name + " must be a whole number.");
        }
    }

    private static Long seed(SlashCommandInteraction event) throws InvalidOption {
        OptionMapping option = event.getOption("seed");
        if (option == null) {
            return null;
        }
        try {
            long seed = option.getAsLong();
            if (seed < 0 || seed > SlashCommands.MAX_SEED) {
                throw new InvalidOption("seed " + seed + " is outside 0 to " + SlashCommands.MAX_SEED
                        + "; pick a number in that range, or leave it out for a random one.");
            }
            return seed;
        } catch (IllegalStateException | NumberFormatException e) {
            throw new InvalidOption("seed must be a whole number from 0 to " + SlashCommands.MAX_SEED + ".");
        }
    }

    private static Float guidance(SlashCommandInteraction event) throws InvalidOption {
        OptionMapping option = event.getOption("guidance");
        if (option == null) {
            return null;
        }
        try {
            return (float) option.getAsDouble();
        } catch (IllegalStateException | NumberFormatException e) {
            throw new InvalidOption("guidance must be a number such as 8 or 7.5.");
        }
    }

    private static ImageSize size(SlashCommandInteraction event) throws InvalidOption {
        String size = string(event, "size");
        if (size == null) {
            return null;
        }
        String normalized = size.strip().toLowerCase(java.util.Locale.ROOT).replace('×', 'x').replace(" ", "");
        if (!SlashCommands.SIZES.contains(normalized)) {
            throw new InvalidOption("size " + size + " is not one I offer; choose one of "
                    + String.join(", ", SlashCommands.SIZES) + ".");
        }
        return ImageSize.parse(normalized);
    }

    private static Decoder decoder(SlashCommandInteraction event) throws InvalidOption {
        String decoder = string(event, "decoder");
        if (decoder == null) {
            return null;
        }
        try {
            return Decoder.parse(decoder);
        } catch (IllegalArgumentException e) {
            throw new InvalidOption(e.getMessage() + ".");
        }
    }

    /** "all" (or "any") allows every channel; otherwise the channel mentions or ids in the text. */
    private static Set<String> channels(SlashCommandInteraction event) throws InvalidOption {
        String text = string(event, "channels");
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.strip().equalsIgnoreCase("all") || text.strip().equalsIgnoreCase("any")) {
            return Set.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        Matcher matcher = SNOWFLAKE.matcher(text);
        while (matcher.find()) {
            ids.add(matcher.group());
        }
        if (ids.isEmpty()) {
            throw new InvalidOption("channels: mention the channels Imagine may answer in (#art #bots), or write"
                    + " 'all' to allow every channel.");
        }
        return ids;
    }
}
