package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each counter of {@code /metrics} against the real job service and the real HTTP server: what must move it, and
 * what must not. The tests share one Imagine, so each compares a counter before and after its own events.
 */
class WebMetricsTest {
    @RegisterExtension
    static final TinyImagineClass server = new TinyImagineClass();

    private static String scrape() throws Exception {
        Person.Answer answer = server.person().get("/metrics");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.response().headers().firstValue("Content-Type"))
                .hasValue("text/plain; version=0.0.4; charset=utf-8");
        return new String(answer.response().body(), StandardCharsets.UTF_8);
    }

    private static double value(String series) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Waits until no job waits or runs, so that counters move only by what the test does next. */
    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!server.imagine().store.findByState(java.util.EnumSet.of(dev.imagine.bot.job.JobState.QUEUED,
                dev.imagine.bot.job.JobState.RUNNING)).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static JsonObject draw(Person who, String body) throws Exception {
        Person.Answer accepted = who.post("/api/jobs", body);
        assertThat(accepted.status()).as(accepted.error()).isEqualTo(202);
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        List<Person.Event> events = who.events(id);
        return events.get(events.size() - 1).data().getAsJsonObject("job");
    }

    @Test
    void aGeneratedJob_isOneCacheMiss_aReplayOneHit_andDownloadingTheImageMovesNeither() throws Exception {
        Person alice = server.person();
        awaitIdle();
        double hits = value("imagine_cache_hits_total");
        double misses = value("imagine_cache_misses_total");
        double done = value("imagine_jobs_total{outcome=\"done\",platform=\"web\"}");
        double cached = value("imagine_jobs_total{outcome=\"cached\",platform=\"web\"}");

        JsonObject job = draw(alice, "{\"prompt\":\"a counted heron\",\"seed\":21}");
        assertThat(value("imagine_cache_misses_total")).isEqualTo(misses + 1);
        assertThat(value("imagine_cache_hits_total")).isEqualTo(hits);
        assertThat(value("imagine_jobs_total{outcome=\"done\",platform=\"web\"}")).isEqualTo(done + 1);

        for (int i = 0; i < 3; i++) {
            assertThat(alice.get(job.getAsJsonArray("images").get(0).getAsString()).status()).isEqualTo(200);
        }
        assertThat(value("imagine_cache_hits_total")).as("downloads are not cache hits").isEqualTo(hits);
        assertThat(value("imagine_cache_misses_total")).isEqualTo(misses + 1);

        Person.Answer replay = alice.post("/api/jobs/" + job.get("id").getAsString() + "/replay");
        assertThat(replay.status()).isEqualTo(200);
        assertThat(value("imagine_cache_hits_total")).isEqualTo(hits + 1);
        assertThat(value("imagine_cache_misses_total")).isEqualTo(misses + 1);
        assertThat(value("imagine_jobs_total{outcome=\"cached\",platform=\"web\"}")).isEqualTo(cached + 1);
    }

    @Test
    void badInputAndAFullQueue_countAsRefusals_whileReadsAndAcceptedJobsDoNot() throws Exception {
        Person bob = server.person();
        String refusals = "imagine_refusals_total{platform=\"web\"}";
        double before = value(refusals);

        assertThat(bob.post("/api/jobs", "{\"prompt\":\"x\",\"steps\":12}").status()).isEqualTo(400);
        assertThat(value(refusals)).as("a value out of range").isEqualTo(before + 1);
        assertThat(bob.post("/api/jobs", "{prompt:\"x\"}").status()).isEqualTo(400);
        assertThat(bob.post("/api/jobs", "{\"prompt\":\"   \"}").status()).isEqualTo(400);
        assertThat(value(refusals)).isEqualTo(before + 3);

        assertThat(bob.get("/api/queue").status()).isEqualTo(200);
        assertThat(bob.get("/healthz").status()).isEqualTo(200);
        assertThat(bob.get("/api/jobs/nosuchjob0").status()).isEqualTo(404);
        draw(bob, "{\"prompt\":\"an accepted heron\",\"seed\":22}");
        assertThat(value(refusals)).as("reads and accepted jobs are no refusals").isEqualTo(before + 3);

        try (TinyImagine.Hold held = server.imagine().holdWorker()) {
            server.person().post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
            held.awaitHeld();
            for (int i = 0; i < 3; i++) {
                assertThat(bob.post("/api/jobs", "{\"prompt\":\"wait " + i + "\",\"seed\":" + i + "}").status())
                        .isEqualTo(202);
            }
            assertThat(bob.post("/api/jobs", "{\"prompt\":\"one too many\"}").status()).isEqualTo(429);
            assertThat(value(refusals)).isEqualTo(before + 4);
        }
    }

    @Test
    void httpRequests_areTimedByRouteTemplate_andTheServersPoolsAndConnectionsAreMeasured() throws Exception {
        Person carol = server.person();
        carol.get("/api/jobs/abcdefghij");
        carol.get("/api/jobs/bcdefghijk");
        carol.get("/no/such/page");

        String text = scrape();

        assertThat(text).contains("http_server_requests_seconds_count{method=\"GET\",outcome=\"CLIENT_ERROR\","
                + "status=\"404\",uri=\"/api/jobs/{id}\"}").doesNotContain("uri=\"/api/jobs/abcdefghij\"")
                .contains("uri=\"NOT_FOUND\"")
                .contains("jetty_threads_current ").contains("jetty_connections_current")
                .contains("executor_execution_seconds_count{name=\"imagine.web.requests\"")
                .contains("executor_pool_size_threads{name=\"imagine.web.events\"")
                .contains("imagine_queue_length ");
    }
}
