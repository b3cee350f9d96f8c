package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.job.JobIds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackDataTest {
    private final String jobId = new JobIds().get();

    @Test
    void everyButtonOfAResult_fitsTelegramsSixtyFourBytes_andReadsBack() {
        for (Action action : Action.values()) {
            String data = CallbackData.of(action, jobId);

            assertThat(data.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
            assertThat(CallbackData.parse(data)).contains(new ActionRef(action, jobId));
        }
    }

    @Test
    void dataOverSixtyFourBytes_isRefused_countingUtf8Bytes() {
        String fits = "x".repeat(64 - "del:".length() - jobId.length() - 1); // "del:" + id + ":" + extra = 64 bytes
        assertThat(CallbackData.encode(new ActionRef(Action.DELETE, jobId, fits))).hasSize(64);

        String accents = "é".repeat(fits.length()); // same characters, twice the bytes
        assertThatThrownBy(() -> CallbackData.encode(new ActionRef(Action.DELETE, jobId, accents)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
    }

    @Test
    void deleteForAnAlbum_carriesTheAlbumsMessageIds_asManyAsFit() {
        String four = CallbackData.deleteWithMessages(jobId, List.of(2_000_000_001, 2_000_000_002, 2_000_000_003,
                2_000_000_004));
        assertThat(four.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
        assertThat(CallbackData.extraMessageIds(CallbackData.parse(four).orElseThrow()))
                .containsExactly(2_000_000_001, 2_000_000_002, 2_000_000_003, 2_000_000_004);

        List<Integer> many = java.util.stream.IntStream.range(0, 10).map(i -> 2_000_000_000 + i).boxed().toList();
        String cut = CallbackData.deleteWithMessages(jobId, many);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(64);
        assertThat(CallbackData.extraMessageIds(CallbackData.parse(cut).orElseThrow())).isEqualTo(many.subList(0, 7));
    }

    @Test
    void anythingThatIsNotOurs_isNotParsed() {
        assertThat(CallbackData.parse(null)).isEmpty();
        assertThat(CallbackData.parse("nonsense")).isEmpty();
        assertThat(CallbackData.parse("same:not-a-job-id")).isEmpty();
        assertThat(CallbackData.parse("same:" + jobId + "x")).isEmpty();
        assertThat(CallbackData.parse("boom:" + jobId)).isEmpty();
    }
}
