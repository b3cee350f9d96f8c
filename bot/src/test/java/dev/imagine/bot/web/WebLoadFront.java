package dev.imagine.bot.web;

import dev.imagine.bench.LoadFront;
import dev.imagine.bot.ops.Metrics;
import dev.imagine.bot.testing.Engine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The load benchmark's way in through the JSON API: {@code POST /api/jobs} over HTTP/1.1 to the real web server on
 * 127.0.0.1, each person with their own browser cookie. The acknowledgement is the HTTP response.
 */
public final class WebLoadFront implements LoadFront {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI jobs;
    private final Metrics metrics;

    private WebLoadFront(URI base, Metrics metrics) {
        this.jobs = base.resolve("/api/jobs");
        this.metrics = metrics;
    }

    public static LoadFront start(Engine engine, Path data) {
        Metrics metrics = new Metrics(engine.jobs()::queueLength, engine.jobs()::cacheStats);
        WebServer server = engine.open(new WebServer(new WebSettings("127.0.0.1", 0, null), engine.jobs(),
                () -> new HealthReport(true, true, false, Map.of()),
                new MetricsPage(metrics.registry(), Metrics.CONTENT_TYPE, metrics::scrape)));
        return new WebLoadFront(server.uri(), metrics);
    }

    @Override
    public String name() {
        return "web";
    }

    @Override
    public Object send(int person, String prompt) {
        HttpRequest request = HttpRequest.newBuilder(jobs).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Cookie", Access.USER_COOKIE + "=loadperson" + String.format("%08d", person))
                .POST(HttpRequest.BodyPublishers.ofString(new String(StrictJson.write(Map.of("prompt", prompt)),
                        java.nio.charset.StandardCharsets.UTF_8)))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(System.nanoTime(), response.statusCode() / 100 == 2 ? "accepted"
                        : response.statusCode() + " " + response.body()))
                .exceptionally(e -> new Answer(-1, "no answer: " + e));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Answer answer(Object handle) throws Exception {
        return ((CompletableFuture<Answer>) handle).get();
    }

    @Override
    public void close() {
        client.close();
        metrics.close();
    }
}
