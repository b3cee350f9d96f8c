package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
}
