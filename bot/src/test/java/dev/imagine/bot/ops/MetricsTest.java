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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private final AtomicReference<ResultCache.Stats> cache =
            new AtomicReference<>(new ResultCache.Stats(0, 0, 0, 0, 0, 0));
    private final Metrics metrics = new Metrics(() -> 3, cache::get);

    @AfterEach
    void close() {
        metrics.close();
    }

    private static Job job(String platform) {
        return Job.queued("aaaaaaaaaa", new User(platform, "1", "x"), null, null,
                new JobParameters("p", 1, 4, ImageSize.SQUARE_512, 8f, 1, Decoder.FULL), Instant.EPOCH, "", null);
    }

    /** The value of one sample line, such as {@code imagine_jobs_total{outcome="done",platform="discord"}}; 0 if absent. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void scrape_isPrometheusText004_withHelpAndTypeLines_andOnlyWellFormedSamples() {
        String text = metrics.scrape();

        assertThat(Metrics.CONTENT_TYPE).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text).contains("# HELP imagine_queue_length Jobs waiting in the fair-share queue.\n")
                .contains("# TYPE imagine_queue_length gauge\n").contains("imagine_queue_length 3.0\n")
                .contains("# TYPE imagine_job_wait_seconds histogram\n")
                .contains("# TYPE imagine_cache_hits_total counter\n");
        for (String line : text.split("\n")) {
            assertThat(line).as("every line is a comment or 'name[{labels}] value'")
                    .matches("# (HELP|TYPE) .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? [-+0-9.eE]+|.*(NaN|Inf)");
        }
    }

    @Test
    void theQueueLength_isStillReadAfterAGarbageCollection() {
        AtomicInteger waiting = new AtomicInteger(5);
        // A method reference made here, as the application makes it: nothing but the gauge holds it.
        try (Metrics fresh = new Metrics(waiting::get, cache::get)) {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            assertThat(value(fresh.scrape(), "imagine_queue_length")).isEqualTo(5.0);
        }
    }

    @Test
    void scrape_includesTheJvmAndProcessMetersThatComeWithMicrometer() {
        String text = metrics.scrape();

        assertThat(text).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads ")
                .contains("jvm_classes_loaded_classes ").contains("process_cpu_usage ")
                .contains("process_uptime_seconds ").contains("system_cpu_count ");
    }

    @Test
    void jobsTotal_movesOnlyForTheEndingJobsPlatformAndOutcome() {
        metrics.ended(job("discord"), JobObserver.Outcome.DONE);
        metrics.ended(job("discord"), JobObserver.Outcome.DONE);
        metrics.ended(job("telegram"), JobObserver.Outcome.FAILED);
        metrics.started(job("web"), Duration.ofSeconds(1));
        metrics.refused("web");

        String text = metrics.scrape();

        assertThat(value(text, "imagine_jobs_total{outcome=\"done\",platform=\"discord\"}")).isEqualTo(2);
        assertThat(value(text, "imagine_jobs_total{outcome=\"failed\",platform=\"telegram\"}")).isEqualTo(1);
        assertThat(text).doesNotContain("imagine_jobs_total{outcome=\"done\",platform=\"web\"}");
    }

    @Test
    void refusalsTotal_movesPerRefusalAndPlatform_andNotForEndedJobs() {
        metrics.refused("web");
        metrics.refused("web");
        metrics.refused("telegram");
        metrics.ended(job("web"), JobObserver.Outcome.FAILED);

        String text = metrics.scrape();

        assertThat(value(text, "imagine_refusals_total{platform=\"web\"}")).isEqualTo(2);
        assertThat(value(text, "imagine_refusals_total{platform=\"telegram\"}")).isEqualTo(1);
        assertThat(text).contains("# HELP imagine_refusals_total Requests for pictures refused (bad input");
    }

    @Test
    void waitAndStageHistograms_putEachObservationInItsBuckets() {
        metrics.started(job("discord"), Duration.ofSeconds(12));
        metrics.generated(job("discord"), Duration.ofMillis(300), Duration.ofSeconds(22), Duration.ofSeconds(16));

        String text = metrics.scrape();

        assertThat(value(text, "imagine_job_wait_seconds_bucket{le=\"5.0\"}")).isZero();
        assertThat(value(text, "imagine_job_wait_seconds_bucket{le=\"15.0\"}")).isEqualTo(1);
        assertThat(value(text, "imagine_job_wait_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
        assertThat(value(text, "imagine_job_wait_seconds_sum")).isEqualTo(12);
        assertThat(value(text, "imagine_stage_seconds_bucket{stage=\"denoising\",le=\"20.0\"}")).isZero();
        assertThat(value(text, "imagine_stage_seconds_bucket{stage=\"denoising\",le=\"40.0\"}")).isEqualTo(1);
        assertThat(value(text, "imagine_stage_seconds_count{stage=\"decoder\"}")).isEqualTo(1);
        assertThat(value(text, "imagine_stage_seconds_count{stage=\"text_encoder\"}")).isEqualTo(1);
    }

    @Test
    void cacheMeters_showTheCachesCountsAtScrapeTime() {
        cache.set(new ResultCache.Stats(5, 2, 4, 4096, 10, 81920));

        String text = metrics.scrape();

        assertThat(value(text, "imagine_cache_hits_total")).isEqualTo(5);
        assertThat(value(text, "imagine_cache_misses_total")).isEqualTo(2);
        assertThat(value(text, "imagine_cache_bytes{tier=\"disk\"}")).isEqualTo(81920);
        assertThat(value(text, "imagine_cache_entries{tier=\"memory\"}")).isEqualTo(4);
    }
}
