package dev.imagine.bot.product;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * One person using Imagine's JSON API over real HTTP, with their own cookie jar (the API knows an anonymous person by
 * the {@code imagine_user} cookie), kept across restarts of the process. Point it at each new process with
 * {@link #at}.
 */
final class PlaygroundClient {
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    static final Set<String> FINAL_STATES = Set.of("done", "failed", "cancelled", "deleted");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).build();
    private URI base;

    PlaygroundClient at(URI playground) {
        this.base = playground;
        return this;
    }

    /** {@code POST /api/jobs}; returns the job as the API shows it (202 queued, or 200 from the cache). */
    JsonNode draw(String requestJson) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(requestJson)));
        assertThat(response.statusCode()).as("POST /api/jobs %s: %s", requestJson, response.body()).isIn(200, 202);
        JsonNode body = parse(response.body());
        return body.has("job") ? body.get("job") : body;
    }

    /** {@code POST /api/jobs/{id}/replay} (Same seed); returns the new job. */
    JsonNode sameSeed(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + jobId + "/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(response.statusCode()).as("replay %s: %s", jobId, response.body()).isIn(200, 202);
        JsonNode body = parse(response.body());
        return body.has("job") ? body.get("job") : body;
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/jobs/" + jobId)).GET());
        assertThat(response.statusCode()).as("GET /api/jobs/%s: %s", jobId, response.body()).isEqualTo(200);
        JsonNode body = parse(response.body());
        return body.has("job") ? body.get("job") : body;
    }

    /** {@code GET /api/jobs?limit=N}: this person's latest jobs, newest first. */
    JsonNode mine(int limit) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/jobs?limit=" + limit)).GET());
        assertThat(response.statusCode()).as("GET /api/jobs: %s", response.body()).isEqualTo(200);
        return parse(response.body()).get("jobs");
    }

    /**
     * Waits until the job is in a final state, asking {@code GET /api/jobs/{id}} every 200 ms until the deadline, and
     * returns it.
     */
    JsonNode awaitFinal(String jobId, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode job = job(jobId);
        while (!FINAL_STATES.contains(job.get("state").asText())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + jobId + " did not end within " + timeout + ": " + job);
            }
            Thread.sleep(200);
            job = job(jobId);
        }
        return job;
    }

    /** Waits for the job to end and checks it is done; returns the job. */
    JsonNode awaitDone(String jobId, Duration timeout) throws IOException, InterruptedException {
        JsonNode job = awaitFinal(jobId, timeout);
        assertThat(job.get("state").asText()).as("job %s: %s", jobId, job).isEqualTo("done");
        return job;
    }

    /**
     * Completes when the job's event stream ({@code GET /api/jobs/{id}/events}) shows its first finished denoising
     * step: from then on the picture is being drawn inside ONNX Runtime.
     */
    CompletableFuture<JsonNode> firstStep(String jobId) {
        return step(jobId, 1);
    }

    /** Completes with the job's {@code nth} progress event (1 = the first finished denoising step). */
    CompletableFuture<JsonNode> step(String jobId, int nth) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/jobs/" + jobId + "/events")).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenApply(response -> {
            String event = null;
            int seen = 0;
            try (Stream<String> lines = response.body()) {
                for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                    String line = it.next();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7).strip();
                    } else if (line.startsWith("data: ") && "progress".equals(event) && ++seen == nth) {
                        return parse(line.substring(6));
                    }
                }
            }
            throw new AssertionError("the events of job " + jobId + " ended before progress event " + nth);
        });
    }

    /** {@code GET /api/jobs/{id}/images/{n}}: a PNG of the given size, checked by its signature and by decoding it. */
    byte[] png(String jobId, int index, int width, int height) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                base.resolve("/api/jobs/" + jobId + "/images/" + index)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as("image %d of job %s", index, jobId).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
        byte[] png = response.body();
        assertThat(Arrays.copyOf(png, PNG_SIGNATURE.length)).as("PNG signature").isEqualTo(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a decodable PNG").isNotNull();
        assertThat(image.getWidth()).isEqualTo(width);
        assertThat(image.getHeight()).isEqualTo(height);
        return png;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
