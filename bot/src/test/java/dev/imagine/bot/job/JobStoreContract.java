package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.SettingsChange;
import dev.imagine.bot.command.User;
import dev.imagine.bot.queue.Usage;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link JobStore}, whichever its home: run by {@link MvJobStoreContractTest} against the embedded
 * store and by {@code RedisJobStoreContractTest} against Redis. "Reopened" is a new store over the same data (the
 * file opened again, a new process connecting to the same Redis).
 */
public abstract class JobStoreContract {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    /** A new, empty store. */
    protected abstract JobStore newStore();

    /** Closes {@code store} and opens the same data again. */
    protected abstract JobStore reopen(JobStore store);

    private JobStore store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    protected static Job job(String id, Instant created) {
        return Job.queued(id, new User("discord", "1", "alice"), "900", "art",
                new JobParameters("a fox", 42, 4, new ImageSize(512, 768), 8.5f, 2, Decoder.FULL), created,
                "{\"interaction\":\"tok\"}", null);
    }

    @Test
    void jobs_andSettings_areThereForTheNextProcess() {
        store = newStore();
        store.save(job("aaaaaaaaaa", NOW).done(NOW.plusSeconds(40), List.of("k1", "k2"), false, 75.5));
        store.saveUserDefaults("discord:1", new SettingsChange.UserDefaults(2, new ImageSize(384, 384), null, null,
                Decoder.FAST));
        store.saveCommunityLimits("discord:900", new SettingsChange.CommunityLimits(4, 512, 2, 300, Set.of("art")));

        store = reopen(store);

        Job job = store.find("aaaaaaaaaa").orElseThrow();
        assertThat(job).isEqualTo(job("aaaaaaaaaa", NOW).done(NOW.plusSeconds(40), List.of("k1", "k2"), false, 75.5));
        assertThat(job.parameters().seed()).isEqualTo(42);
        assertThat(store.userDefaults("discord:1").orElseThrow().decoder()).isEqualTo(Decoder.FAST);
        assertThat(store.communityLimits("discord:900").orElseThrow().allowedChannels()).containsExactly("art");
        assertThat(store.find("zzzzzzzzzz")).isEmpty();
    }

    @Test
    void aJobsPrecision_isThereForTheNextProcess_andAJobWithoutOneReadsWithout() {
        store = newStore();
        Job int8 = Job.queued("int8aaaaaa", new User("web", "1", "alice"), null, null,
                new JobParameters("a fox", 42, 4, new ImageSize(256, 256), 8f, 1, Decoder.FULL)
                        .withPrecision(dev.imagine.bot.command.Precision.INT8), NOW, null, null)
                .done(NOW.plusSeconds(3), List.of("k8"), false, 3);
        Job fp32 = Job.queued("fp32aaaaaa", new User("web", "1", "alice"), null, null,
                new JobParameters("a fox", 42, 4, new ImageSize(256, 256), 8f, 1, Decoder.FULL)
                        .withPrecision(dev.imagine.bot.command.Precision.FP32), NOW, null, null);
        store.save(int8);
        store.save(fp32);
        store.save(job("oldaaaaaaa", NOW));

        store = reopen(store);

        assertThat(store.find("int8aaaaaa")).contains(int8);
        assertThat(store.find("int8aaaaaa").orElseThrow().parameters().precision())
                .isEqualTo(dev.imagine.bot.command.Precision.INT8);
        assertThat(store.find("fp32aaaaaa").orElseThrow().parameters().precision())
                .isEqualTo(dev.imagine.bot.command.Precision.FP32);
        // Without one it is the configured precision's job: the engine draws it with that (JobServicePrecisionTest).
        assertThat(store.find("oldaaaaaaa").orElseThrow().parameters().precision()).isNull();
    }

    @Test
    void aJobSavedAgain_isReplaced_andDeleteForgetsIt() {
        store = newStore();
        store.save(job("aaaaaaaaaa", NOW));
        store.save(job("aaaaaaaaaa", NOW).running(NOW.plusSeconds(5)));

        assertThat(store.find("aaaaaaaaaa").orElseThrow().state()).isEqualTo(JobState.RUNNING);
        assertThat(store.findByState(EnumSet.of(JobState.QUEUED))).isEmpty();
        assertThat(store.findByState(EnumSet.of(JobState.RUNNING))).extracting(Job::id).containsExactly("aaaaaaaaaa");

        store.delete("aaaaaaaaaa");

        assertThat(store.find("aaaaaaaaaa")).isEmpty();
        assertThat(store.findByState(EnumSet.allOf(JobState.class))).isEmpty();
        assertThat(store.findByOwner("discord:1", 10)).isEmpty();
    }

    @Test
    void aCommunitysRules_areThereForTheNextProcess_andOtherCommunitiesHaveNone() {
        store = newStore();
        CommunityRules rules = new CommunityRules("refuse", List.of("gore"), 3, true, Set.of("telegram:5"));
        store.saveCommunityRules("discord:900", rules);

        store = reopen(store);

        assertThat(store.communityRules("discord:900")).contains(rules);
        assertThat(store.communityRules("discord:901")).isEmpty();
    }

    @Test
    void aSourcePicture_isThereForTheNextProcess_andKeptOnceUnderItsHash() {
        store = newStore();
        byte[] first = {(byte) 0x89, 'P', 'N', 'G', 1};
        store.savePicture("hash-1", first);
        store.savePicture("hash-1", new byte[] {(byte) 0x89, 'P', 'N', 'G', 2});

        store = reopen(store);

        assertThat(store.picture("hash-1")).hasValueSatisfying(png -> assertThat(png).isEqualTo(first));
        assertThat(store.picture("hash-2")).isEmpty();
    }

    @Test
    void clearedUserDefaults_areGone() {
        store = newStore();
        store.saveUserDefaults("discord:1", new SettingsChange.UserDefaults(2, null, null, null, null));

        store.clearUserDefaults("discord:1");

        assertThat(store.userDefaults("discord:1")).isEmpty();
    }

    @Test
    void fairShareUsage_isThereForTheNextProcess_andForgottenUsersAreGone() {
        store = newStore();
        store.saveUsage("discord:1", new Usage(412.5, NOW));
        store.saveUsage("web:abc", new Usage(3, NOW.plusSeconds(60)));
        store.saveUsage("web:abc", new Usage(7.25, NOW.plusSeconds(90)));
        store.saveUsage("telegram:9", new Usage(0.5, NOW));
        store.forgetUsage(Set.of("telegram:9"));

        store = reopen(store);

        assertThat(store.usageLedger()).containsOnly(
                Map.entry("discord:1", new Usage(412.5, NOW)),
                Map.entry("web:abc", new Usage(7.25, NOW.plusSeconds(90))));
    }

    @Test
    void findByState_returnsMatchingJobsOldestFirst() {
        store = newStore();
        store.save(job("cccccccccc", NOW.plusSeconds(2)));
        store.save(job("aaaaaaaaaa", NOW));
        store.save(job("bbbbbbbbbb", NOW.plusSeconds(1)).running(NOW.plusSeconds(3)));
        store.save(job("dddddddddd", NOW).failed(NOW, "broken"));

        assertThat(store.findByState(EnumSet.of(JobState.QUEUED, JobState.RUNNING)))
                .extracting(Job::id).containsExactly("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc");
    }

    @Test
    void findByOwner_returnsOnePersonsJobsNewestFirst_withoutDeletedOnes_upToTheLimit() {
        User bob = new User("web", "bob", "you");
        store = newStore();
        store.save(job("aaaaaaaaaa", NOW));
        store.save(job("bbbbbbbbbb", NOW.plusSeconds(1)).done(NOW, List.of("k"), false, 1));
        store.save(job("cccccccccc", NOW.plusSeconds(2)).deleted(NOW));
        store.save(job("dddddddddd", NOW.plusSeconds(3)));
        store.save(Job.queued("eeeeeeeeee", bob, null, null, job("x", NOW).parameters(), NOW.plusSeconds(4),
                "web", null));

        assertThat(store.findByOwner("discord:1", 10)).extracting(Job::id)
                .containsExactly("dddddddddd", "bbbbbbbbbb", "aaaaaaaaaa");
        assertThat(store.findByOwner("discord:1", 2)).extracting(Job::id)
                .containsExactly("dddddddddd", "bbbbbbbbbb");
        assertThat(store.findByOwner("web:bob", 10)).extracting(Job::id).containsExactly("eeeeeeeeee");
    }

    @Test
    void anOriginKeptLate_winsOverLaterSavesOfOlderCopies_andIsThereForTheNextProcess() {
        store = newStore();
        Job queued = store.save(job("aaaaaaaaaa", NOW));
        Job workersCopy = queued.running(NOW.plusSeconds(1));

        assertThat(store.updateOrigin("aaaaaaaaaa", "{\"status\":7}")).isTrue();
        assertThat(store.find("aaaaaaaaaa").orElseThrow().origin()).isEqualTo("{\"status\":7}");
        Job saved = store.save(workersCopy);

        assertThat(saved).isEqualTo(workersCopy.withOrigin("{\"status\":7}"));
        assertThat(store.find("aaaaaaaaaa")).contains(saved);

        store = reopen(store);
        Job done = store.save(workersCopy.done(NOW.plusSeconds(9), List.of("k"), false, 3));

        assertThat(done.origin()).isEqualTo("{\"status\":7}");
        assertThat(store.find("aaaaaaaaaa").orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(store.find("aaaaaaaaaa").orElseThrow().origin()).isEqualTo("{\"status\":7}");
    }

    @Test
    void anOriginKeptLate_keepsTheStoredState_andTheLatestOriginWins() {
        store = newStore();
        store.save(job("aaaaaaaaaa", NOW).running(NOW.plusSeconds(1)));

        store.updateOrigin("aaaaaaaaaa", "first");
        store.updateOrigin("aaaaaaaaaa", "second");

        Job stored = store.find("aaaaaaaaaa").orElseThrow();
        assertThat(stored.state()).isEqualTo(JobState.RUNNING);
        assertThat(stored.origin()).isEqualTo("second");
        assertThat(store.findByState(EnumSet.of(JobState.RUNNING))).extracting(Job::origin).containsExactly("second");
    }

    @Test
    void anOriginForAJobNobodySaved_isRefused() {
        store = newStore();

        assertThat(store.updateOrigin("zzzzzzzzzz", "somewhere")).isFalse();
        assertThat(store.find("zzzzzzzzzz")).isEmpty();
    }

    @Test
    void aSaveWithoutALateOrigin_keepsTheJobsOwn() {
        store = newStore();
        Job queued = job("aaaaaaaaaa", NOW);

        assertThat(store.save(queued)).isEqualTo(queued);
        assertThat(store.save(queued.withOrigin("moved"))).extracting(Job::origin).isEqualTo("moved");
    }
}
