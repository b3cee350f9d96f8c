package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.ChannelRating;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the policies keep in the job store survives a restart, and jobs stored before them still read. */
class PolicyRecordsStoreTest {
    @TempDir
    Path dir;

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private static Job job(String id) {
        return Job.queued(id, new User("web", "abcdefghijklmnop", "you"), null, null, ChannelRating.GENERAL,
                "web@203.0.113.7", new JobParameters("a fox", 42, 4, new ImageSize(512, 512), 8f, 2, Decoder.FULL),
                NOW, "web", null);
    }

    @Test
    void aJobsVerdicts_rating_andFairShare_surviveClosingAndReopeningTheStore() {
        Screening screening = new Screening("onnx-community/nsfw_image_detection-ONNX@1ceb3c7", "refuse", List.of(
                new Screening.Verdict(0.93f, true, Screening.Treatment.WITHHELD),
                new Screening.Verdict(0.02f, false, Screening.Treatment.PLAIN)));
        Job done = job("aaaaaaaaaa").done(NOW.plusSeconds(30), List.of("k1", "k2"), false, 12.5)
                .screened(screening, "1 of your 2 pictures were held back");
        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            store.save(done);
        }

        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            Job read = store.find("aaaaaaaaaa").orElseThrow();
            assertThat(read).isEqualTo(done);
            assertThat(read.screening().pictures().get(0).score()).isEqualTo(0.93f);
            assertThat(read.rating()).isEqualTo(ChannelRating.GENERAL);
            assertThat(read.fairShare()).isEqualTo("web@203.0.113.7");
            assertThat(read.shownCount()).isEqualTo(1);
            assertThat(read.spoiler(0)).isFalse();
        }
    }

    @Test
    void aCommunitysRules_surviveClosingAndReopeningTheStore() {
        CommunityRules rules = new CommunityRules("blur", List.of("gore", "blood*"), 5, true, Set.of("discord:1"));
        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            store.saveCommunityRules("discord:900", rules);
        }

        try (MvJobStore store = MvJobStore.open(dir.resolve("jobs.mv"))) {
            assertThat(store.communityRules("discord:900")).hasValue(rules);
            assertThat(store.communityRules("discord:901")).isEmpty();
        }
    }

    @Test
    void aJobStoredBeforeThePolicies_readsAsUnratedAndUnscreened_countingAgainstItsOwnersShare() throws Exception {
        String old = "{\"id\":\"bbbbbbbbbb\",\"owner\":{\"platform\":\"discord\",\"id\":\"1\",\"displayName\":\"alice\"},"
                + "\"community\":\"900\",\"channel\":\"art\",\"parameters\":{\"prompt\":\"a fox\",\"seed\":42,\"steps\":4,"
                + "\"size\":{\"width\":512,\"height\":512},\"guidance\":8.0,\"count\":1,\"decoder\":\"FULL\"},"
                + "\"state\":\"DONE\",\"createdAt\":\"2026-01-01T10:00:00Z\",\"resultKeys\":[\"k1\"],\"origin\":\"o\","
                + "\"fromCache\":false,\"cpuSeconds\":1.0}";

        Job read = StoreJson.read(old, Job.class);

        assertThat(read.rating()).isEqualTo(ChannelRating.UNRATED);
        assertThat(read.screening()).isNull();
        assertThat(read.fairShare()).isEqualTo("discord:1");
        assertThat(read.shownCount()).isEqualTo(1);
        assertThat(read.spoiler(0)).isFalse();
    }
}
