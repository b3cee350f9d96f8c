package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may reach the playground and the API: loopback by default, an API key beyond it, and nobody else's pages. */
class WebSecurityTest {
    static final String KEY = "correct-horse-battery-staple-42";

    @TempDir
    Path data;

    @Test
    void listeningOnAllAddresses_withoutAKey_refusesToStart_andSaysWhatToDo() {
        assertThatThrownBy(() -> TinyImagine.start(data, new WebSettings("0.0.0.0", 0, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("0.0.0.0").hasMessageContaining("IMAGINE_API_KEY")
                .hasMessageContaining("127.0.0.1");
    }

    @Test
    void aShortKey_refusesToStart_withoutShowingTheKey() {
        assertThatThrownBy(() -> TinyImagine.start(data, new WebSettings("0.0.0.0", 0, "hunter2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least 16").hasMessageNotContaining("hunter2");
    }

    @Test
    void theSettings_neverShowTheKey() {
        assertThat(new WebSettings("0.0.0.0", 8080, KEY).toString()).doesNotContain(KEY).contains("apiKey=set");
        assertThat(WebSettings.defaults()).isEqualTo(new WebSettings("127.0.0.1", 8080, null));
    }

    @Test
    void withAKey_everyApiRequestNeedsIt_whileHealthAndMetricsStayOpen() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("0.0.0.0", 0, KEY))) {
            Person nobody = new Person(imagine.base());
            Person wrong = new Person(imagine.base()).withKey(KEY + "x");
            Person right = new Person(imagine.base()).withKey(KEY);

            assertThat(nobody.get("/api/info").status()).isEqualTo(401);
            assertThat(nobody.get("/api/info").response().headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(nobody.post("/api/jobs", "{\"prompt\":\"x\"}").status()).isEqualTo(401);
            assertThat(wrong.get("/api/info").status()).isEqualTo(401);
            assertThat(wrong.get("/api/openapi.yaml").status()).isEqualTo(401);
            assertThat(new String(wrong.get("/api/info").response().body(), StandardCharsets.UTF_8))
                    .doesNotContain(KEY);
            assertThat(right.get("/api/info").status()).isEqualTo(200);
            assertThat(right.get("/api/info").json().get("apiKeyRequired").getAsBoolean()).isTrue();

            assertThat(nobody.get("/healthz").status()).isEqualTo(200);
            assertThat(nobody.get("/metrics").status()).isEqualTo(200);
            assertThat(nobody.get("/").status()).as("the page itself, which then asks for the key").isEqualTo(200);
        }
    }

    @Test
    void theKeyCookie_opensGetRequests_forEventSourceAndImages_butNotRequestsThatChangeThings() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("0.0.0.0", 0, KEY))) {
            Person browser = new Person(imagine.base());
            String cookie = "imagine_key=" + KEY;

            assertThat(browser.send(browser.request("/api/queue").header("Cookie", cookie).GET().build()).status())
                    .isEqualTo(200);
            assertThat(browser.send(browser.request("/api/jobs").header("Cookie", cookie)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build()).status())
                    .isEqualTo(401);
            assertThat(browser.send(browser.request("/api/queue").header("Cookie", "imagine_key=nope").GET()
                    .build()).status()).isEqualTo(401);
        }
    }

    @Test
    void requestsThatChangeThings_fromAnotherSitesPage_areRefused() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            Person browser = new Person(imagine.base());

            Person.Answer foreign = browser.send(browser.request("/api/jobs").header("Origin", "http://evil.example")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build());
            Person.Answer own = browser.send(browser.request("/api/jobs").header("Origin", imagine.base())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"a sailing ship\"}")).build());

            assertThat(foreign.status()).isEqualTo(403);
            assertThat(own.status()).as(own.error()).isIn(200, 202);
        }
    }

    @Test
    void onLoopback_aForeignHostName_isRefused_againstDnsRebinding() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            assertThat(rawStatus(imagine.web.port(), "evil.example")).isEqualTo(403);
            assertThat(rawStatus(imagine.web.port(), "localhost:" + imagine.web.port())).isEqualTo(200);
        }
    }

    @Test
    void health_is200WhenEverythingIsUp_and503NamingWhatIsDown_metricsArePrometheusText() throws Exception {
        AtomicBoolean discordUp = new AtomicBoolean(true);
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null),
                () -> new HealthReport(true, true, false, Map.of("discord", discordUp.get(), "web", true)))) {
            Person probe = new Person(imagine.base());

            Person.Answer up = probe.get("/healthz");
            discordUp.set(false);
            Person.Answer down = probe.get("/healthz");
            Person.Answer metrics = probe.get("/metrics");

            assertThat(up.status()).isEqualTo(200);
            assertThat(up.json().get("status").getAsString()).isEqualTo("ok");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().getAsJsonObject("adapters").get("discord").getAsBoolean()).isFalse();
            assertThat(metrics.response().headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(new String(metrics.response().body(), StandardCharsets.UTF_8))
                    .contains("# TYPE imagine_queue_length gauge\nimagine_queue_length 0");
        }
    }

    @Test
    void health_whileDraining_is503Draining_notOk() throws Exception {
        try (TinyImagine imagine = TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null))) {
            Person probe = new Person(imagine.base());
            assertThat(probe.get("/healthz").status()).isEqualTo(200);

            imagine.jobs.shutdown(java.time.Duration.ofSeconds(5));
            Person.Answer draining = probe.get("/healthz");
            Person.Answer refused = probe.post("/api/jobs", "{\"prompt\":\"a late fox\"}");

            assertThat(draining.status()).isEqualTo(503);
            assertThat(draining.json().get("status").getAsString()).isEqualTo("draining");
            assertThat(draining.json().get("draining").getAsBoolean()).isTrue();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.response().headers().firstValue("Retry-After")).isPresent();
        }
    }

    /** java.net.http will not send a Host header of our choosing, so this speaks HTTP/1.1 by hand. */
    private static int rawStatus(int port, String host) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/queue HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
