package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.testing.TestGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each person's prompt syntax (a /settings choice, or one request's), kept by Same seed and Re-roll, and what a job
 * says about how the model read its prompt. The fake generator counts a prompt's characters as its tokens.
 */
class JobServicePromptSyntaxTest {
    static final Requester ALICE = new Requester(new User("discord", "1", "alice"), "900", "art", false);
    static final Requester BOB = new Requester(new User("discord", "2", "bob"), "900", "art", false);

    private final TestGenerator generator = TestGenerator.fake();
    private final ServiceFixture fixture = ServiceFixture.inMemory("discord").start(generator);
    private final RecordingSink sink = fixture.sink();
    private final JobStore store = fixture.store();
    private final JobService service = fixture.service();

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Job accepted(Reply reply) {
        assertThat(reply).isInstanceOf(Reply.Accepted.class);
        return ((Reply.Accepted) reply).job();
    }

    private Job drawn(Reply reply) throws InterruptedException {
        Job job = reply instanceof Reply.Finished finished ? finished.job() : accepted(reply);
        if (reply instanceof Reply.Accepted) {
            sink.await("finished", job.id());
        }
        return job;
    }

    private static SettingsChange.UserDefaults syntax(PromptSyntax syntax) {
        return new SettingsChange.UserDefaults(null, null, null, null, null, syntax);
    }

    @Test
    void aPersonsPromptSyntax_isSavedInSettings_usedByTheirRequests_andOnlyTheirs() throws Exception {
        Reply saved = service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.PLAIN)), "o");
        assertThat(((Reply.Info) saved).text()).startsWith("Saved.").contains("prompts read as plain");

        Job alices = drawn(service.handle(Command.Imagine.of(ALICE, "a (red:1.3) fox"), "o"));
        Job bobs = drawn(service.handle(Command.Imagine.of(BOB, "a (red:1.3) fox"), "o"));

        assertThat(alices.parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(bobs.parameters().promptSyntax()).as("the configured default").isEqualTo(PromptSyntax.A1111);
        assertThat(generator.generated).extracting(r -> r.promptSyntax().name()).containsExactly("PLAIN", "A1111");
        assertThat(((Reply.Info) service.handle(new Command.Settings(BOB, new SettingsChange.Show()), "o")).text())
                .contains("prompts read as a1111");
    }

    @Test
    void changingAnotherDefault_keepsTheSavedSyntax_andResetForgetsIt() throws Exception {
        service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.PLAIN)), "o");
        service.handle(new Command.Settings(ALICE, new SettingsChange.UserDefaults(2, null, null, null, null)), "o");

        Job job = drawn(service.handle(Command.Imagine.of(ALICE, "a fox"), "o"));
        assertThat(job.parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(job.parameters().steps()).isEqualTo(2);

        service.handle(new Command.Settings(ALICE, new SettingsChange.ResetUserDefaults()), "o");
        Job after = drawn(service.handle(Command.Imagine.of(ALICE, "a fox"), "o"));
        assertThat(after.parameters().promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void aRequestsOwnSyntax_winsOverThePersonsSetting() throws Exception {
        service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.PLAIN)), "o");

        Job job = drawn(service.handle(new Command.Imagine(ALICE, "a (red:1.3) fox", 1L, null, null, null, null, null,
                PromptSyntax.A1111), "o"));

        assertThat(job.parameters().promptSyntax()).isEqualTo(PromptSyntax.A1111);
    }

    @Test
    void sameSeedAndReroll_keepTheJobsOwnSyntax_whoeverPressesThem() throws Exception {
        service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.PLAIN)), "o");
        Job plain = drawn(service.handle(Command.Imagine.of(ALICE, "a (red:1.3) fox"), "o"));

        Job replayedByBob = drawn(service.handle(new Command.Replay(BOB, plain.id()), "o"));
        Job rerolledByBob = drawn(service.handle(new Command.Reroll(BOB, plain.id()), "o"));
        service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.A1111)), "o");
        Job rerolledByAlice = drawn(service.handle(new Command.Reroll(ALICE, plain.id()), "o"));

        assertThat(replayedByBob.parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(replayedByBob.fromCache()).isTrue();
        assertThat(rerolledByBob.parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
        assertThat(rerolledByAlice.parameters().promptSyntax()).isEqualTo(PromptSyntax.PLAIN);
    }

    @Test
    void aPlainPromptOver75Tokens_isCut_andTheJobSaysHowMuchWasRead_andWhichWordsWereDropped() throws Exception {
        String prompt = "a lighthouse on a rocky island at dusk with waves crashing below and gulls far above it,"
                + " oil painting";
        service.handle(new Command.Settings(ALICE, syntax(PromptSyntax.PLAIN)), "o");

        Job job = drawn(service.handle(Command.Imagine.of(ALICE, prompt), "o"));

        // The fake reads a character as a token: the 75 it reads end before "far".
        assertThat(prompt.substring(0, 75)).endsWith("gulls ");
        assertThat(job.reading()).isEqualTo(new PromptReading(prompt.length(), 75, 1, "far above it, oil painting"));
        assertThat(store.find(job.id()).orElseThrow().reading()).as("kept with the job").isEqualTo(job.reading());
        assertThat(ReplyTexts.reading(job.reading())).isEqualTo("Prompt cut: the model read 75 of its "
                + prompt.length() + " tokens, dropping “far above it, oil painting”. The a1111 prompt syntax reads it"
                + " all.");
    }

    @Test
    void aPromptWithBreak_isReadInChunks_andTheJobSaysSo_whileAShortOneSaysNothing() throws Exception {
        Job chunked = drawn(service.handle(Command.Imagine.of(ALICE, "a fox BREAK a hen"), "o"));
        Job plain = drawn(service.handle(Command.Imagine.of(ALICE, "a fox"), "o"));

        assertThat(chunked.reading()).isEqualTo(new PromptReading(17, 17, 2, null));
        assertThat(ReplyTexts.reading(chunked.reading()))
                .isEqualTo("The model read all 17 tokens, in 2 chunks.");
        assertThat(plain.reading()).isEqualTo(new PromptReading(5, 5, 1, null));
        assertThat(ReplyTexts.reading(plain.reading())).isNull();
    }
}
