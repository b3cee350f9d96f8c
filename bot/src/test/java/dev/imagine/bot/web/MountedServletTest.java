package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.queue.QueueSettings;
import dev.imagine.bot.testing.Engine;
import dev.imagine.bot.testing.TestGenerator;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A servlet mounted beside the playground (the MCP endpoint is one) answers behind the JSON API's rules, and may
 * answer asynchronously, as a stream of server-sent events does.
 */
class MountedServletTest {
    static final String KEY = "mounted-test-key-0123456789";

    @TempDir
    Path data;

    /** Answers "probe" from another thread, after the request thread has returned. */
    static final class AsyncProbe extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            AsyncContext async = request.startAsync();
            Thread.ofVirtual().start(() -> {
                try {
                    response.setContentType("text/plain");
                    response.getOutputStream().write("probe".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    response.setStatus(500);
                } finally {
                    async.complete();
                }
            });
        }
    }

    @Test
    void aMountedServlet_keepsTheApisRules_andMayAnswerAsynchronously() throws Exception {
        try (Engine engine = new Engine(data, TestGenerator.fake(), QueueSettings.DEFAULTS, () -> 1L);
             Metrics metrics = new Metrics(() -> 0, engine.jobs()::cacheStats)) {
            WebServer web = new WebServer(new WebSettings("127.0.0.1", 0, KEY), engine.jobs(),
                    () -> new HealthReport(true, true, false, Map.of()),
                    new MetricsPage(metrics.registry(), Metrics.CONTENT_TYPE, metrics::scrape));
            web.mount("/probe", new AsyncProbe());
            engine.open(web);
            int port = web.port();

            RawHttp.Answer good = post(port, "localhost:" + port, "Authorization: Bearer " + KEY + "\r\n");
            RawHttp.Answer noKey = post(port, "localhost:" + port, "");
            RawHttp.Answer foreignHost = post(port, "evil.example", "Authorization: Bearer " + KEY + "\r\n");
            RawHttp.Answer otherSite = post(port, "localhost:" + port, "Authorization: Bearer " + KEY
                    + "\r\nOrigin: http://evil.example\r\n");
            RawHttp.Answer ownPage = post(port, "localhost:" + port, "Authorization: Bearer " + KEY
                    + "\r\nOrigin: http://localhost:" + port + "\r\n");

            assertThat(good.status()).isEqualTo(200);
            assertThat(good.body()).contains("probe");
            assertThat(noKey.status()).isEqualTo(401);
            assertThat(noKey.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"imagine\"");
            assertThat(foreignHost.status()).isEqualTo(403);
            assertThat(otherSite.status()).isEqualTo(403);
            assertThat(ownPage.status()).isEqualTo(200);
            assertThat(RawHttp.exchange(port, "GET /api/openapi.yaml HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nAuthorization: Bearer " + KEY + "\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10))
                    .status()).as("the playground still answers beside it").isEqualTo(200);
        }
    }

    private static RawHttp.Answer post(int port, String host, String headers) throws IOException {
        return RawHttp.exchange(port, "POST /probe HTTP/1.1\r\nHost: " + host + "\r\n" + headers
                + "Content-Length: 0\r\nConnection: close\r\n\r\n", Duration.ofSeconds(10));
    }
}
