package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.job.JobIds;
import org.junit.jupiter.api.Test;

class CustomIdsTest {
    private final String jobId = new JobIds().get();

    @Test
    void everyButtonId_roundTrips_andFitsDiscordsLimit() {
        for (String verb : new String[] {CustomIds.SAME_SEED, CustomIds.REROLL, CustomIds.VARY, CustomIds.UPSCALE,
                CustomIds.DELETE}) {
            String id = CustomIds.of(verb, jobId);
            assertThat(id.length()).isLessThanOrEqualTo(CustomIds.MAX_LENGTH);
            assertThat(CustomIds.parse(id)).contains(new CustomIds.Parsed(verb, jobId));
        }
    }

    @Test
    void parse_rejectsUnknownVerbsAndAnythingThatIsNotAJobId() {
        assertThat(CustomIds.parse("boom:" + jobId)).isEmpty();
        assertThat(CustomIds.parse("same:../../etc")).isEmpty();
        assertThat(CustomIds.parse("same:" + jobId + "x")).isEmpty();
        assertThat(CustomIds.parse("same")).isEmpty();
        assertThat(CustomIds.parse(null)).isEmpty();
    }
}
