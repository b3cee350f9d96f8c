package dev.imagine.bot.ops;

import dev.imagine.bot.cache.ResultCache;
import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.JobObserver;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Counts what the job service does and renders it in the Prometheus text format for {@code /metrics}: queue length,
 * waits, time per pipeline stage, cache hits and misses, jobs by platform and outcome, refusals.
 */
public final class Metrics implements JobObserver {
    private static final double[] WAIT_BUCKETS = {1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600};
    private static final double[] STAGE_BUCKETS = {0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320};

    private final Map<String, AtomicLong> jobs = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
    private final Histogram wait = new Histogram(WAIT_BUCKETS);
    private final Map<String, Histogram> stages = Map.of(
            "text_encoder", new Histogram(STAGE_BUCKETS),
            "denoising", new Histogram(STAGE_BUCKETS),
            "decoder", new Histogram(STAGE_BUCKETS));
    private final IntSupplier queueLength;
    private final Supplier<ResultCache.Stats> cacheStats;

    public Metrics(IntSupplier queueLength, Supplier<ResultCache.Stats> cacheStats) {
        this.queueLength = queueLength;
        this.cacheStats = cacheStats;
    }

    @Override
    public void refused(String platform) {
        refusals.computeIfAbsent(platform, p -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void started(Job job, Duration waited) {
        wait.observe(seconds(waited));
    }

    @Override
    public void generated(Job job, Duration textEncoding, Duration denoising, Duration decoding) {
        stages.get("text_encoder").observe(seconds(textEncoding));
        stages.get("denoising").observe(seconds(denoising));
        stages.get("decoder").observe(seconds(decoding));
    }

    @Override
    public void ended(Job job, Outcome outcome) {
        String key = job.owner().platform() + "|" + outcome.name().toLowerCase(Locale.ROOT);
        jobs.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** The current values in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP imagine_queue_length Jobs waiting in the fair-share queue.\n");
        out.append("# TYPE imagine_queue_length gauge\n");
        out.append("imagine_queue_length ").append(queueLength.getAsInt()).append('\n');

        out.append("# HELP imagine_jobs_total Jobs that ended, by platform and outcome.\n");
        out.append("# TYPE imagine_jobs_total counter\n");
        new TreeMap<>(jobs).forEach((key, count) -> {
            String[] parts = key.split("\\|");
            out.append("imagine_jobs_total{platform=\"").append(parts[0]).append("\",outcome=\"").append(parts[1])
                    .append("\"} ").append(count.get()).append('\n');
        });

        out.append("# HELP imagine_refusals_total Requests refused (limits, full queue, bad input), by platform.\n");
        out.append("# TYPE imagine_refusals_total counter\n");
        new TreeMap<>(refusals).forEach((platform, count) -> out.append("imagine_refusals_total{platform=\"")
                .append(platform).append("\"} ").append(count.get()).append('\n'));

        out.append("# HELP imagine_job_wait_seconds Time from acceptance until the worker started the job.\n");
        out.append("# TYPE imagine_job_wait_seconds histogram\n");
        wait.write(out, "imagine_job_wait_seconds", "");

        out.append("# HELP imagine_stage_seconds Generation time per pipeline stage.\n");
        out.append("# TYPE imagine_stage_seconds histogram\n");
        new TreeMap<>(stages).forEach((stage, histogram) ->
                histogram.write(out, "imagine_stage_seconds", "stage=\"" + stage + "\""));

        ResultCache.Stats cache = cacheStats.get();
        out.append("# HELP imagine_cache_hits_total Results served from the cache.\n");
        out.append("# TYPE imagine_cache_hits_total counter\n");
        out.append("imagine_cache_hits_total ").append(cache.hits()).append('\n');
        out.append("# HELP imagine_cache_misses_total Cache lookups that found nothing.\n");
        out.append("# TYPE imagine_cache_misses_total counter\n");
        out.append("imagine_cache_misses_total ").append(cache.misses()).append('\n');
        out.append("# HELP imagine_cache_bytes Bytes of results held, by tier.\n");
        out.append("# TYPE imagine_cache_bytes gauge\n");
        out.append("imagine_cache_bytes{tier=\"memory\"} ").append(cache.memoryBytes()).append('\n');
        out.append("imagine_cache_bytes{tier=\"disk\"} ").append(cache.diskBytes()).append('\n');
        out.append("# HELP imagine_cache_entries Results held, by tier.\n");
        out.append("# TYPE imagine_cache_entries gauge\n");
        out.append("imagine_cache_entries{tier=\"memory\"} ").append(cache.memoryEntries()).append('\n');
        out.append("imagine_cache_entries{tier=\"disk\"} ").append(cache.diskEntries()).append('\n');
        return out.toString();
    }
}
