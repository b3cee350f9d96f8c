package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.User;
import dev.imagine.bot.discord.FakeDiscord.Request;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.OutOfRange;
import dev.imagine.bot.testing.TestGenerator;
import dev.imagine.bot.testing.TinyModel;
import dev.imagine.pipeline.ImageGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import net.dv8tion.jda.api.utils.data.DataArray;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Discord adapter end to end: the real JDA client against {@link FakeDiscord} on 127.0.0.1, the real job
 * service, store and cache on disk, and real pictures from the small fixture model.
 */
class DiscordBotEndToEndTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String PROMPT = "a red fox in the snow";

    private static final ImageGenerator pipeline = TinyModel.shared();

    @TempDir
    Path data;

    private FakeDiscord discord;
    private Engine running;

    @BeforeEach
    void startDiscord() throws IOException {
        discord = new FakeDiscord();
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (running != null) {
            running.close();
        }
        discord.close();
    }

    private final AtomicLong seeds = new AtomicLong(1000);

    private Engine start(ImageGenerator generator, QueueSettings queue) {
        return start(generator, queue, Duration.ZERO);
    }

    private Engine start(ImageGenerator generator, QueueSettings queue, Duration progressInterval) {
        return start(generator, queue, progressInterval, InteractionListener.DECISION_BUDGET);
    }

    private Engine start(ImageGenerator generator, QueueSettings queue, Duration progressInterval,
                         Duration decisionBudget) {
        Engine engine = new Engine(data, generator, queue, seeds::incrementAndGet);
        DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl())
                .withProgressInterval(progressInterval).withReadyTimeout(Duration.ofSeconds(15));
        engine.open(new DiscordBot(FakeDiscord.TOKEN, settings, engine.jobs(), data, discord.clock(), decisionBudget));
        return engine.startWorking();
    }

    private Engine start(ImageGenerator generator) {
        return start(generator, QueueSettings.DEFAULTS);
    }

    // ---- what the fake saw ----

    private static Predicate<Request> callbackOf(String token) {
        return r -> r.is("POST", "/api/v10/interactions/") && token.equals(r.token());
    }

    private static Predicate<Request> imageEditOf(String token) {
        return r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token()) && !r.files().isEmpty()
                && r.status() == 200;
    }

    private Request awaitImage(String token) throws InterruptedException {
        return discord.await(imageEditOf(token), WAIT, "the picture for " + token);
    }

    private static String jobIdOf(Request imageMessage) {
        String customId = imageMessage.payload().getArray("components").getObject(0).getArray("components")
                .getObject(0).getString("custom_id");
        return customId.substring(customId.indexOf(':') + 1);
    }

    private static DataObject field(DataObject embed, String name) {
        DataArray fields = embed.getArray("fields");
        for (int i = 0; i < fields.length(); i++) {
            if (fields.getObject(i).getString("name").equals(name)) {
                return fields.getObject(i);
            }
        }
        throw new AssertionError("the embed has no field " + name + ": " + embed);
    }

    private static String parametersOf(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a decodable PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(256);
        assertThat(image.getHeight()).isEqualTo(256);
        String text = new String(png, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("tEXtparameters");
        return text;
    }

    private String imagineFox(FakeDiscord.User who, long seed) {
        return discord.slash(who, "imagine", FakeDiscord.option("prompt", PROMPT), FakeDiscord.option("seed", seed),
                FakeDiscord.option("steps", 2), FakeDiscord.option("size", "256x256"));
    }

    /**
     * What the person who asked sees, and only they: the reason in an ephemeral message that stays. No public
     * message of the interaction ever showed the reason, and none is left; Discord refused none of the bot's calls.
     */
    private FakeDiscord.Shown assertRefusedPrivately(String token, String... reason) throws InterruptedException {
        Predicate<FakeDiscord.Shown> refusal = m -> m.ephemeral && !m.deleted && !m.loading
                && Stream.of(reason).allMatch(m.content::contains);
        List<FakeDiscord.Shown> shown = discord.awaitMessages(token, all -> all.stream().anyMatch(refusal)
                        && all.stream().allMatch(m -> m.ephemeral || m.deleted), WAIT,
                "an ephemeral message saying " + List.of(reason) + " and no public message");
        for (FakeDiscord.Shown message : shown) {
            if (!message.ephemeral) {
                assertThat(List.of(reason)).as("the public %s never showed the reason", message)
                        .noneMatch(message::everShowed);
            }
        }
        assertThat(discord.requests(r -> token.equals(r.token()) && r.status() >= 400))
                .as("Discord accepted every call for this interaction").isEmpty();
        return shown.stream().filter(refusal).findFirst().orElseThrow();
    }

    // ---- tests ----

    @Test
    void imagine_isAnsweredAtOnceWithItsPlaceInTheQueue_thenTheReplyBecomesThePicture_withEmbedAndButtons()
            throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator);

        String token = imagineFox(FakeDiscord.ALICE, 42);

        Request answer = discord.await(callbackOf(token), WAIT, "the initial response");
        assertThat(answer.payload().getInt("type")).as("a message at once").isEqualTo(4);
        assertThat(answer.payload().getObject("data").getInt("flags", 0) & 64).as("public, not ephemeral").isZero();
        assertThat(answer.payload().getObject("data").getString("content")).startsWith("⏳ Queued #1 · ");

        Request image = awaitImage(token);
        assertThat(image.files()).hasSize(1);
        FakeDiscord.Upload png = image.files().get(0);
        assertThat(png.fileName()).matches("imagine-[a-z2-9]{10}\\.png");
        assertThat(parametersOf(png.bytes())).contains(PROMPT).contains("Seed: 42").contains("Steps: 2");

        DataObject embed = image.payload().getArray("embeds").getObject(0);
        assertThat(embed.getString("description")).isEqualTo(PROMPT);
        assertThat(field(embed, "Seed").getString("value")).isEqualTo("42");
        assertThat(field(embed, "Steps").getString("value")).isEqualTo("2");
        assertThat(field(embed, "Size").getString("value")).isEqualTo("256x256");
        assertThat(field(embed, "Guidance").getString("value")).isEqualTo("8");
        assertThat(field(embed, "Time").getString("value")).endsWith(" s");
        assertThat(embed.getObject("image").getString("url")).isEqualTo("attachment://" + png.fileName());

        String jobId = jobIdOf(image);
        DataArray rows = image.payload().getArray("components");
        List<DataObject> buttons = new java.util.ArrayList<>();
        for (int r = 0; r < rows.length(); r++) {
            DataArray row = rows.getObject(r).getArray("components");
            assertThat(row.length()).as("Discord allows five buttons a row").isLessThanOrEqualTo(5);
            for (int i = 0; i < row.length(); i++) {
                buttons.add(row.getObject(i));
            }
        }
        assertThat(buttons.stream().map(b -> b.getString("custom_id")).toList())
                .containsExactly("same:" + jobId, "rr:" + jobId, "var:" + jobId, "vst:" + jobId, "up:" + jobId,
                        "upd:" + jobId, "zo:" + jobId, "zoo:" + jobId, "pl:" + jobId, "pr:" + jobId, "pu:" + jobId,
                        "pd:" + jobId, "del:" + jobId);
        assertThat(buttons).allMatch(b -> !b.getBoolean("disabled"), "every button works");
        assertThat(generator.generations).hasValue(1);

        // Before the picture, the reply showed the progress (with no throttle in this test, every step).
        List<String> before = discord.requests(r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token())
                && r.files().isEmpty()).stream().map(r -> r.payload().getString("content")).toList();
        assertThat(before).endsWith("🎨 Drawing…", "🎨 Drawing… step 1/2", "🎨 Drawing… step 2/2");
        assertThat(before.size()).isLessThanOrEqualTo(4);
        assertThat(discord.requests(r -> r.is("PUT", "/api/v10/applications/"))).hasSize(1);
    }

    @Test
    void imagine_worksInADirectMessageWithTheBot() throws Exception {
        running = start(TestGenerator.over(pipeline));

        String token = discord.slashInDirectMessage(FakeDiscord.BOB, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("seed", 5L), FakeDiscord.option("steps", 2), FakeDiscord.option("size", "256x256"));

        Request image = awaitImage(token);
        assertThat(parametersOf(image.files().get(0).bytes())).contains("Seed: 5");
        String jobId = jobIdOf(image);
        assertThat(running.jobs().job(jobId).orElseThrow().community()).as("no server in a DM").isNull();
    }

    @Test
    void progressEdits_areThrottledToTheConfiguredInterval() throws Exception {
        running = start(TestGenerator.over(pipeline), QueueSettings.DEFAULTS, Duration.ofHours(1));

        String token = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("steps", 8), FakeDiscord.option("size", "256x256"));

        awaitImage(token);
        List<String> before = discord.requests(r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token())
                && r.files().isEmpty()).stream().map(r -> r.payload().getString("content")).toList();
        assertThat(before).as("one edit when drawing starts, no step edits within the interval")
                .filteredOn(text -> text.startsWith("🎨")).containsExactly("🎨 Drawing…");
    }

    @Test
    void sameSeed_clickedByAnyone_givesIdenticalBytesFromTheCache_withoutRunningThePipeline() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator);
        Request first = awaitImage(imagineFox(FakeDiscord.ALICE, 42));

        String click = discord.click(FakeDiscord.BOB, "same:" + jobIdOf(first));

        Request replay = awaitImage(click);
        assertThat(replay.files().get(0).bytes()).isEqualTo(first.files().get(0).bytes());
        assertThat(generator.generations).as("served from the cache").hasValue(1);
        DataObject embed = replay.payload().getArray("embeds").getObject(0);
        assertThat(field(embed, "Time").getString("value")).isEqualTo("from cache");
        assertThat(embed.getObject("footer").getString("text")).contains("bob");
        assertThat(jobIdOf(replay)).as("a new job, owned by the clicker").isNotEqualTo(jobIdOf(first));
    }

    @Test
    void reroll_drawsTheSamePromptWithANewSeed() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator);
        Request first = awaitImage(imagineFox(FakeDiscord.ALICE, 42));

        Request rerolled = awaitImage(discord.click(FakeDiscord.ALICE, "rr:" + jobIdOf(first)));

        String newSeed = field(rerolled.payload().getArray("embeds").getObject(0), "Seed").getString("value");
        assertThat(newSeed).isNotEqualTo("42");
        assertThat(rerolled.files().get(0).bytes()).isNotEqualTo(first.files().get(0).bytes());
        assertThat(parametersOf(rerolled.files().get(0).bytes())).contains(PROMPT).contains("Seed: " + newSeed);
        assertThat(generator.generations).hasValue(2);
    }

    @Test
    void delete_byAStranger_isRefusedPrivately_butTheOwnerDeletesTheMessage() throws Exception {
        running = start(TestGenerator.over(pipeline));
        String jobId = jobIdOf(awaitImage(imagineFox(FakeDiscord.ALICE, 42)));

        String strangers = discord.click(FakeDiscord.BOB, "del:" + jobId);
        assertRefusedPrivately(strangers, "Only the person who asked");

        String owners = discord.click(FakeDiscord.ALICE, "del:" + jobId);
        discord.await(r -> r.is("DELETE", "/api/v10/webhooks/") && owners.equals(r.token()), WAIT, "the delete");
        assertThat(discord.await(callbackOf(owners), WAIT, "the ack").payload().getInt("type"))
                .as("deferred update of the picture's message").isEqualTo(6);
        assertThat(discord.originalOf(owners).deleted).as("the picture's message is gone").isTrue();
        assertThat(discord.messagesOf(owners)).as("no message of its own").isEmpty();
        assertThat(running.jobs().job(jobId).orElseThrow().state()).hasToString("DELETED");
    }

    @Test
    void afterTheTokenExpired_thePictureIsPostedInTheChannel_mentioningTheRequester() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator);
        String token;
        try {
            token = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                    FakeDiscord.option("seed", 7L), FakeDiscord.option("steps", 2),
                    FakeDiscord.option("size", "256x256"));
            discord.await(callbackOf(token), WAIT, "the initial response");
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the job runs").isTrue();
            // The picture takes longer than the interaction token lives.
            discord.advanceClock(Duration.ofMinutes(16));
        } finally {
            generator.open();
        }

        Request posted = discord.await(r -> r.is("POST", "/api/v10/channels/" + FakeDiscord.CHANNEL_ID + "/messages")
                && !r.files().isEmpty(), WAIT, "the channel message");
        assertThat(posted.payload().getString("content")).startsWith("<@" + FakeDiscord.ALICE.id() + ">");
        assertThat(posted.payload().getObject("allowed_mentions").getArray("users").getString(0))
                .isEqualTo(FakeDiscord.ALICE.id());
        assertThat(parametersOf(posted.files().get(0).bytes())).contains("Seed: 7");
        assertThat(discord.requests(imageEditOf(token))).as("no use of the expired token").isEmpty();
    }

    @Test
    void whenTheChannelRefusesToo_thePictureArrivesByDirectMessage() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator);
        discord.denyChannelPosts(FakeDiscord.CHANNEL_ID);
        try {
            String token = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                    FakeDiscord.option("steps", 2), FakeDiscord.option("size", "256x256"));
            discord.await(callbackOf(token), WAIT, "the initial response");
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the job runs").isTrue();
            discord.advanceClock(Duration.ofMinutes(16));
        } finally {
            generator.open();
        }

        discord.await(r -> r.is("POST", "/api/v10/users/@me/channels"), WAIT, "a DM channel");
        Request dm = discord.await(r -> r.is("POST", "/api/v10/channels/" + FakeDiscord.DM_CHANNEL_PREFIX)
                && !r.files().isEmpty(), WAIT, "the direct message");
        parametersOf(dm.files().get(0).bytes());
        assertThat(discord.requests(r -> r.is("POST", "/api/v10/channels/" + FakeDiscord.CHANNEL_ID)))
                .extracting(Request::status).containsExactly(403);
    }

    @Test
    void aFullQueue_isRefusedPrivately_sayingWhatToDo_andAWaitingJobShowsItsPlace() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator, new QueueSettings(1, 1, Duration.ofHours(1), QueueSettings.DEFAULT_AGING_RATE));
        try {
            imagineFox(FakeDiscord.ALICE, 1);
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the first job runs").isTrue();
            String waiting = imagineFox(FakeDiscord.BOB, 2);
            FakeDiscord.Shown queued = discord.awaitMessage(waiting, m -> m.content.startsWith("⏳"), WAIT,
                    "the queue position");
            assertThat(queued.content).startsWith("⏳ Queued #1 · ");
            assertThat(queued.ephemeral).as("everyone sees the job").isFalse();

            String refused = imagineFox(FakeDiscord.ADMIN, 3);

            assertRefusedPrivately(refused, "queue is full", "Try again");
        } finally {
            generator.open();
        }
    }

    @Test
    void onePersonsFourthWaitingPicture_isRefusedPrivately() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator, QueueSettings.DEFAULTS);
        try {
            imagineFox(FakeDiscord.ALICE, 1);
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the first job runs").isTrue();
            for (int place = 1; place <= 3; place++) {
                String waiting = imagineFox(FakeDiscord.ALICE, 1 + place);
                String expected = "⏳ Queued #" + place;
                discord.awaitMessage(waiting, m -> m.content.startsWith(expected), WAIT, "waiting job " + place);
            }

            String fourth = imagineFox(FakeDiscord.ALICE, 5);

            assertRefusedPrivately(fourth, "You already have 3 jobs waiting");
            assertThat(running.jobs().queueLength()).isEqualTo(3);
        } finally {
            generator.open();
        }
    }

    @Test
    void reroll_bySomeoneWhoAlreadyHasThreeWaiting_isRefusedOnlyToThem() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator, QueueSettings.DEFAULTS);
        String alicesPicture = jobIdOf(awaitImage(imagineFox(FakeDiscord.ALICE, 42)));
        generator.hold();
        try {
            imagineFox(FakeDiscord.BOB, 1);
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("Bob's first job runs").isTrue();
            for (long seed = 2; seed <= 4; seed++) {
                String waiting = imagineFox(FakeDiscord.BOB, seed);
                discord.awaitMessage(waiting, m -> m.content.startsWith("⏳ Queued"), WAIT, "a waiting job");
            }

            String click = discord.click(FakeDiscord.BOB, "rr:" + alicesPicture);

            assertRefusedPrivately(click, "You already have 3 jobs waiting");
        } finally {
            generator.open();
        }
    }

    @Test
    void outOfRangeOptions_sentByAClientAnyway_areRefusedPrivately_andNothingIsQueued() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator);

        String badSize = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("size", "500x500"));
        assertRefusedPrivately(badSize, "500x500", "512x768");

        String badSteps = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("steps", 50));
        assertRefusedPrivately(badSteps, "steps 50", "1 to 8");

        String emptyPrompt = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", "   "));
        assertRefusedPrivately(emptyPrompt, "prompt is empty");

        String badSeed = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("seed", -1L));
        assertRefusedPrivately(badSeed, "seed -1 is outside");
        assertThat(generator.generations).hasValue(0);
        assertThat(running.jobs().queueLength()).isZero();
    }

    @Test
    void optionsOutOfRange_areRefusedPrivately_inTheSameWordsAsOnEveryPlatform() throws Exception {
        running = start(TestGenerator.over(pipeline));
        for (OutOfRange.Case wrong : OutOfRange.CASES) {
            Object value = wrong.option().equals("guidance") ? (Object) (double) wrong.value() : wrong.value();
            String token = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                    FakeDiscord.option(wrong.option(), value));

            assertThat(assertRefusedPrivately(token, wrong.refusal()).content).as(wrong.option())
                    .isEqualTo(wrong.refusal());
        }
    }

    @Test
    void whenTheJobServiceIsSlowToDecide_theInteractionIsDeferred_andARefusalStillReachesOnlyTheRequester()
            throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator, QueueSettings.DEFAULTS, Duration.ZERO, Duration.ZERO);

        String refused = discord.slash(FakeDiscord.ALICE, "imagine", FakeDiscord.option("prompt", PROMPT),
                FakeDiscord.option("steps", 50));

        assertThat(discord.await(callbackOf(refused), WAIT, "the deferral").payload().getInt("type")).isEqualTo(5);
        assertRefusedPrivately(refused, "steps 50");
        FakeDiscord.Shown placeholder = discord.messagesOf(refused).get(0);
        assertThat(placeholder.ephemeral).isFalse();
        assertThat(placeholder.everShowed(Messages.NOT_TAKEN)).isTrue();

        String accepted = imagineFox(FakeDiscord.ALICE, 42);
        parametersOf(awaitImage(accepted).files().get(0).bytes());
        assertThat(discord.messagesOf(accepted)).hasSize(1).allMatch(m -> !m.ephemeral && !m.deleted);
    }

    @Test
    void anInteractionThatCouldNotBeAnsweredInTime_leavesNoJobBehind() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator);
        try {
            imagineFox(FakeDiscord.ALICE, 1);
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).as("the first job runs").isTrue();

            // Discord created the interaction 5 s ago (a slow network or gateway): the 3 s to answer are gone.
            String late = discord.slashAt(discord.now().minusSeconds(5), FakeDiscord.BOB, "imagine",
                    FakeDiscord.option("prompt", PROMPT), FakeDiscord.option("seed", 2L),
                    FakeDiscord.option("steps", 2), FakeDiscord.option("size", "256x256"));

            Request answer = discord.await(callbackOf(late), WAIT, "the late answer");
            assertThat(answer.status()).as("Unknown interaction").isEqualTo(404);
            // The cancellation's notice tries the token too, which Discord invalidated.
            Request notice = discord.await(r -> r.is("PATCH", "/api/v10/webhooks/") && late.equals(r.token()), WAIT,
                    "the cancellation notice");
            assertThat(notice.status()).isEqualTo(401);
            User bob = new User("discord", FakeDiscord.BOB.id(), "bob");
            assertThat(running.jobs().jobsOf(bob, 5)).as("the job nobody saw was cancelled")
                    .extracting(j -> j.state().name()).containsExactly("CANCELLED");
            assertThat(running.jobs().queueLength()).isZero();
        } finally {
            generator.open();
        }
    }

    @Test
    void aGatewayDisconnectDuringAJob_isResumed_andThePictureStillArrives() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        generator.hold();
        running = start(generator);
        String token;
        try {
            token = imagineFox(FakeDiscord.ALICE, 42);
            assertThat(generator.entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();

            discord.dropGateway();
            // Dispatched while the bot is away: Discord replays it on RESUME.
            String whileAway = discord.slash(FakeDiscord.BOB, "queue");

            DataObject resume = discord.awaitGatewayOp(6, 1, WAIT).getObject("d");
            assertThat(resume.getString("token")).isEqualTo(FakeDiscord.TOKEN);
            assertThat(discord.gatewayReceived.stream().filter(f -> f.getInt("op") == 2)).as("no new IDENTIFY")
                    .hasSize(1);
            FakeDiscord.Shown answered = discord.awaitMessage(whileAway, m -> !m.loading, WAIT,
                    "the answer to the command sent while disconnected");
            assertThat(answered.content).contains("waiting");
            assertThat(answered.ephemeral).isTrue();
        } finally {
            generator.open();
        }
        parametersOf(awaitImage(token).files().get(0).bytes());
    }

    @Test
    void anEditAnswered429_isRetriedAfterTheRetryAfterDelay() throws Exception {
        running = start(TestGenerator.over(pipeline));
        discord.rateLimitNextEdits(1, 1);

        String token = imagineFox(FakeDiscord.ALICE, 42);

        Request image = awaitImage(token);
        List<Request> edits = discord.requests(r -> r.is("PATCH", "/api/v10/webhooks/") && token.equals(r.token()));
        assertThat(edits.get(0).status()).isEqualTo(429);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(edits.get(1).receivedNanos() - edits.get(0).receivedNanos());
        assertThat(waitedMillis).as("waited Retry-After: 1 s").isGreaterThanOrEqualTo(900);
        parametersOf(image.files().get(0).bytes());
    }

    @Test
    void afterARestart_commandsAreNotRegisteredAgain_andOldButtonsStillWork() throws Exception {
        TestGenerator generator = TestGenerator.over(pipeline);
        running = start(generator);
        Request first = awaitImage(imagineFox(FakeDiscord.ALICE, 42));
        running.close();
        running = null;

        TestGenerator afterRestart = TestGenerator.over(pipeline);
        running = start(afterRestart);
        Request replay = awaitImage(discord.click(FakeDiscord.BOB, "same:" + jobIdOf(first)));

        assertThat(replay.files().get(0).bytes()).isEqualTo(first.files().get(0).bytes());
        assertThat(afterRestart.generations).hasValue(0);
        assertThat(discord.gatewayReceived.stream().filter(f -> f.getInt("op") == 2)).as("two sessions").hasSize(2);
        assertThat(discord.requests(r -> r.is("PUT", "/api/v10/applications/"))).as("registered once").hasSize(1);
    }

    @Test
    void aServerAdmin_canRestrictImagineToChannels_andOthersAreToldWhy() throws Exception {
        running = start(TestGenerator.over(pipeline));

        String notAdmin = discord.slash(FakeDiscord.BOB, "settings", FakeDiscord.subcommand("server",
                FakeDiscord.option("channels", "<#123456789012345678>")));
        assertRefusedPrivately(notAdmin, "Only admins");

        String admin = discord.slash(FakeDiscord.ADMIN, "settings", FakeDiscord.subcommand("server",
                FakeDiscord.option("channels", "<#123456789012345678>"), FakeDiscord.option("max_steps", 4)));
        FakeDiscord.Shown saved = discord.awaitMessage(admin, m -> !m.loading, WAIT, "the answer");
        assertThat(saved.content).startsWith("Saved.").contains("up to 4 steps");
        assertThat(saved.ephemeral).isTrue();

        String here = imagineFox(FakeDiscord.ALICE, 1);
        assertRefusedPrivately(here, "not allowed in this channel");
    }

    @Test
    void sameSeed_inAChannelImagineMayNotUse_isRefusedOnlyToThePresser() throws Exception {
        running = start(TestGenerator.over(pipeline));
        String jobId = jobIdOf(awaitImage(imagineFox(FakeDiscord.ALICE, 42)));
        String admin = discord.slash(FakeDiscord.ADMIN, "settings", FakeDiscord.subcommand("server",
                FakeDiscord.option("channels", "<#123456789012345678>")));
        discord.awaitMessage(admin, m -> m.content.startsWith("Saved."), WAIT, "the settings saved");

        String click = discord.click(FakeDiscord.BOB, "same:" + jobId);

        assertRefusedPrivately(click, "not allowed in this channel");
    }

    @Test
    void aRejectedToken_endsStartUpWithAClearMessage_withoutTheToken() {
        try (Engine engine = new Engine(data, TestGenerator.over(pipeline), QueueSettings.DEFAULTS, () -> 1L)) {
            DiscordSettings settings = DiscordSettings.DEFAULTS.withEndpoints(discord.restUrl(), discord.gatewayUrl());
            String wrong = "not-the-token-1234";

            assertThatThrownBy(() -> engine.open(new DiscordBot(wrong, settings, engine.jobs(), data)))
                    .isInstanceOf(DiscordStartException.class)
                    .hasMessageStartingWith("DISCORD_TOKEN was rejected by Discord: ")
                    .hasMessageNotContaining(wrong);
        }
    }
}
