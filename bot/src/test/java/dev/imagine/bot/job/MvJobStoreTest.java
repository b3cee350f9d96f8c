package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.Usage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MvJobStoreTest {
    @TempDir
    Path dir;

    private static Job job(String id, Instant created) {
        return Job.queued(id, new User("discord", "1", "alice"), "900", "art",
                new JobParameters("a fox", 42, 4, new ImageSize(512, 768), 8.5f, 2, Decoder.FULL), created,
                "{\"interaction\":\"tok\"}", null);
    }

    @Test
    void jobStoredBeforePromptsHadASyntax_isReadAsPlain_soItsReplayDrawsTheSamePicture() {
        Path file = dir.resolve("old.mv");
        try (MvJobStore store = MvJobStore.open(file)) {
            store.save(job("bbbbbbbbbb", Instant.parse("2026-01-01T10:00:00Z")));
        }
        org.h2.mvstore.MVStore raw = new org.h2.mvstore.MVStore.Builder().fileName(file.toString()).open();
        org.h2.mvstore.MVMap<String, String> jobs = raw.openMap("jobs");
        String json = jobs.get("bbbbbbbbbb");
        assertThat(json).contains("\"promptSyntax\":\"A1111\"");
        jobs.put("bbbbbbbbbb", json.replace(",\"promptSyntax\":\"A1111\"", ""));
        raw.close();

        try (MvJobStore store = MvJobStore.open(file)) {
            assertThat(store.find("bbbbbbbbbb").orElseThrow().parameters().promptSyntax())
                    .isEqualTo(PromptSyntax.PLAIN);
        }
    }

    @Test
    void jobs_andSettings_surviveClosingAndReopeningTheFile() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        try (MvJobStore store = MvJobStore.open(dir.resolve("data/jobs.mv"))) {
            store.save(job("aaaaaaaaaa", now).done(now.plusSeconds(40), List.of("k1", "k2"), false, 75.5));
            store.saveUserDefaults("discord:1", new SettingsChange.UserDefaults(2, new ImageSize(384, 384), null, null,
                    Decoder.FAST));
            store.saveCommunityLimits("discord:900", new SettingsChange.CommunityLimits(4, 512, 2, 300, Set.of("art")));
        }

        try (MvJobStore store = MvJobStore.open(dir.resolve("data/jobs.mv"))) {
            Job job = store.find("aaaaaaaaaa").orElseThrow();
            assertThat(job.state()).isEqualTo(JobState.DONE);
            assertThat(job.parameters().size()).isEqualTo(new ImageSize(512, 768));
            assertThat(job.parameters().guidance()).isEqualTo(8.5f);
            assertThat(job.resultKeys()).containsExactly("k1", "k2");
            assertThat(job.finishedAt()).isEqualTo(now.plusSeconds(40));
            assertThat(job.origin()).isEqualTo("{\"interaction\":\"tok\"}");
            assertThat(store.userDefaults("discord:1").orElseThrow().decoder()).isEqualTo(Decoder.FAST);
            assertThat(store.communityLimits("discord:900").orElseThrow().allowedChannels()).containsExactly("art");
        }
    }

    @Test
    void fairShareUsage_survivesClosingAndReopeningTheFile_andForgottenUsersAreGone() {
        Instant charged = Instant.parse("2026-01-01T10:00:00Z");
        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            store.saveUsage("discord:1", new Usage(412.5, charged));
            store.saveUsage("web:abc", new Usage(3, charged.plusSeconds(60)));
            store.saveUsage("web:abc", new Usage(7.25, charged.plusSeconds(90)));
            store.saveUsage("telegram:9", new Usage(0.5, charged));
            store.forgetUsage(Set.of("telegram:9"));
        }

        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            assertThat(store.usageLedger()).containsOnly(
                    Map.entry("discord:1", new Usage(412.5, charged)),
                    Map.entry("web:abc", new Usage(7.25, charged.plusSeconds(90))));
        }
    }

    @Test
    void findByState_returnsMatchingJobsOldestFirst() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        try (MvJobStore store = MvJobStore.inMemory()) {
            store.save(job("cccccccccc", now.plusSeconds(2)));
            store.save(job("aaaaaaaaaa", now));
            store.save(job("bbbbbbbbbb", now.plusSeconds(1)).running(now.plusSeconds(3)));
            store.save(job("dddddddddd", now).failed(now, "broken"));

            assertThat(store.findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING)))
                    .extracting(Job::id).containsExactly("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc");
        }
    }

    @Test
    void jobIds_areShortCallbackSafeAndRecognised() {
        JobIds ids = new JobIds();
        for (int i = 0; i < 100; i++) {
            String id = ids.get();
            assertThat(id).hasSize(10).matches("[a-z2-9]+");
            assertThat(JobIds.looksValid(id)).isTrue();
        }
        assertThat(JobIds.looksValid("../../etc")).isFalse();
        assertThat(JobIds.looksValid("ABCDEFGHIJ")).isFalse();
        assertThat(JobIds.looksValid(null)).isFalse();
    }

    @Test
    void findByOwner_returnsOnePersonsJobsNewestFirst_withoutDeletedOnes_upToTheLimit() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        User bob = new User("web", "bob", "you");
        try (MvJobStore store = MvJobStore.inMemory()) {
            store.save(job("aaaaaaaaaa", now));
            store.save(job("bbbbbbbbbb", now.plusSeconds(1)).done(now, List.of("k"), false, 1));
            store.save(job("cccccccccc", now.plusSeconds(2)).deleted(now));
            store.save(job("dddddddddd", now.plusSeconds(3)));
            store.save(Job.queued("eeeeeeeeee", bob, null, null, job("x", now).parameters(), now.plusSeconds(4),
                    "web", null));

            assertThat(store.findByOwner("discord:1", 10)).extracting(Job::id)
                    .containsExactly("dddddddddd", "bbbbbbbbbb", "aaaaaaaaaa");
            assertThat(store.findByOwner("discord:1", 2)).extracting(Job::id)
                    .containsExactly("dddddddddd", "bbbbbbbbbb");
            assertThat(store.findByOwner("web:bob", 10)).extracting(Job::id).containsExactly("eeeeeeeeee");
        }
    }

    /**
     * {@code job-store/written-by-0e7ec91.mv} was written by the store of commit 0e7ec91, which kept its records as
     * Gson's JSON: a job in each state, defaults and limits with absent values, an allowed-channel set and usage.
     */
    @Test
    void aStoreWrittenByTheGsonVersion_readsEveryRecordAsItWasSaved() throws Exception {
        Path file = dir.resolve("jobs.mv");
        try (InputStream fixture = getClass().getResourceAsStream("/job-store/written-by-0e7ec91.mv")) {
            Files.copy(fixture, file);
        }
        User alice = new User("discord", "1", "alice");
        User bob = new User("telegram", "-100200", "-100200");
        Instant t = Instant.parse("2026-01-02T03:04:05.123456789Z");
        // Jobs from before prompts had a syntax were drawn with the prompt read as plain text.
        JobParameters fox = new JobParameters("a red fox \"in\" snow \u2603", 42, 4, new ImageSize(512, 768), 8f, 2,
                Decoder.FULL, PromptSyntax.PLAIN);
        JobParameters cat = new JobParameters("a cat", 9_000_000_000L, 1, new ImageSize(256, 256), 1.5f, 1,
                Decoder.FAST, PromptSyntax.PLAIN);

        try (MvJobStore store = MvJobStore.open(file)) {
            assertThat(store.find("aaaaaaaaaa")).contains(
                    Job.queued("aaaaaaaaaa", alice, "900", "art", fox, t, "origin-a", null));
            assertThat(store.find("bbbbbbbbbb")).contains(Job.queued("bbbbbbbbbb", bob, null, null, cat,
                    t.plusSeconds(1), "chat:5", "aaaaaaaaaa").running(t.plusSeconds(2)));
            assertThat(store.find("cccccccccc")).contains(Job.queued("cccccccccc", alice, "900", "art", fox,
                    t.plusSeconds(3), "o", null).running(t.plusSeconds(4))
                    .done(t.plusSeconds(5), List.of("k1", "k2"), false, 12.5));
            assertThat(store.find("dddddddddd")).contains(Job.queued("dddddddddd", bob, null, null, cat,
                    t.plusSeconds(6), "o", null).done(t.plusSeconds(6), List.of("k3"), true, 0));
            assertThat(store.find("eeeeeeeeee")).contains(Job.queued("eeeeeeeeee", alice, "900", "art", cat,
                    t.plusSeconds(7), "o", null).running(t.plusSeconds(8))
                    .failed(t.plusSeconds(9), "Something went wrong"));
            assertThat(store.find("ffffffffff")).contains(Job.queued("ffffffffff", alice, "900", "art", cat,
                    t.plusSeconds(10), "o", null).cancelled(t.plusSeconds(11), "cancelled by you"));
            assertThat(store.find("gggggggggg")).contains(Job.queued("gggggggggg", alice, "900", "art", fox,
                    t.plusSeconds(12), "o", null).running(t.plusSeconds(13))
                    .done(t.plusSeconds(14), List.of("k4", "k5"), false, 3).deleted(t.plusSeconds(15)));
            assertThat(store.findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING))).extracting(Job::id)
                    .containsExactly("aaaaaaaaaa", "bbbbbbbbbb");
            assertThat(store.userDefaults(alice.key())).contains(new SettingsChange.UserDefaults(2,
                    new ImageSize(384, 512), null, null, Decoder.FAST));
            assertThat(store.userDefaults(bob.key())).contains(new SettingsChange.UserDefaults(null, null, 6.5f, 3,
                    null));
            assertThat(store.communityLimits("discord:900").orElseThrow().allowedChannels())
                    .containsExactlyInAnyOrder("art", "bots");
            assertThat(store.communityLimits("discord:900").orElseThrow().maxPromptLength()).isEqualTo(300);
            assertThat(store.communityLimits("telegram:-100200")).contains(new SettingsChange.CommunityLimits(null,
                    null, 2, null, null));
            assertThat(store.usageLedger()).containsOnly(Map.entry(alice.key(), new Usage(120.25, t)),
                    Map.entry(bob.key(), new Usage(0, Instant.EPOCH)));
        }
    }

    @Test
    void aRecordThatCannotBeRead_isSkippedWithoutLosingTheOthers() {
        Instant now = Instant.parse("2026-01-01T10:00:00Z");
        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            store.save(job("aaaaaaaaaa", now));
        }
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve("jobs.mv").toString()).open()) {
            MVMap<String, String> jobs = raw.openMap("jobs");
            jobs.put("bbbbbbbbbb", "{\"id\": \"bbbbbbbbbb\", \"state\": \"QUEUED\", \"cpuSeconds\": \"a lot\"}");
            jobs.put("cccccccccc", "{\"id\": \"cccccccccc\"} trailing");
            raw.<String, String>openMap("fair-share-usage").put("discord:1", "{\"cpuSeconds\": -1, \"asOf\": \"x\"}");
            raw.<String, String>openMap("user-defaults").put("discord:1", "{\"steps\": \"four\"}");
        }

        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            assertThat(store.find("bbbbbbbbbb")).isEmpty();
            assertThat(store.find("cccccccccc")).isEmpty();
            assertThat(store.findByState(EnumSet.allOf(JobState.class))).extracting(Job::id)
                    .containsExactly("aaaaaaaaaa");
            assertThat(store.usageLedger()).isEmpty();
            assertThat(store.userDefaults("discord:1")).isEmpty();
        }
    }
}
