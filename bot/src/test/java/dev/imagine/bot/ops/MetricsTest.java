package dev.imagine.bot.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.JobParameters;
import dev.imagine.bot.command.User;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobObserver;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static Job job(String platform) {
        return Job.queued("aaaaaaaaaa", new User(platform, "1", "x"), null, null,
                new JobParameters("p", 1, 4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL), Instant.EPOCH, "", null);
    }

    @Test
    void scrape_rendersCountersGaugesAndHistogramsInPrometheusTextFormat() {
        Metrics metrics = new Metrics(() -> 3, () -> new ResultCache.Stats(5, 2, 4, 4096, 10, 81920));
        metrics.ended(job("discord"), JobObserver.Outcome.DONE);
        metrics.ended(job("discord"), JobObserver.Outcome.DONE);
        metrics.ended(job("telegram"), JobObserver.Outcome.FAILED);
        metrics.refused("web");
        metrics.started(job("discord"), Duration.ofSeconds(12));
        metrics.generated(job("discord"), Duration.ofMillis(300), Duration.ofSeconds(22), Duration.ofSeconds(16));

        String text = metrics.scrape();

        assertThat(text).contains("imagine_queue_length 3\n")
                .contains("imagine_jobs_total{platform=\"discord\",outcome=\"done\"} 2\n")
                .contains("imagine_jobs_total{platform=\"telegram\",outcome=\"failed\"} 1\n")
                .contains("imagine_refusals_total{platform=\"web\"} 1\n")
                .contains("imagine_job_wait_seconds_bucket{le=\"5\"} 0\n")
                .contains("imagine_job_wait_seconds_bucket{le=\"15\"} 1\n")
                .contains("imagine_job_wait_seconds_bucket{le=\"+Inf\"} 1\n")
                .contains("imagine_job_wait_seconds_sum 12\n")
                .contains("imagine_stage_seconds_bucket{stage=\"denoising\",le=\"40\"} 1\n")
                .contains("imagine_stage_seconds_count{stage=\"decoder\"} 1\n")
                .contains("imagine_cache_hits_total 5\n")
                .contains("imagine_cache_bytes{tier=\"disk\"} 81920\n");
        for (String line : text.split("\n")) {
            assertThat(line).as("every line is a comment or 'name[{labels}] value'")
                    .matches("# (HELP|TYPE) .*|[a-z_]+(\\{[^}]*})? [0-9.e+-]+");
        }
    }
}
