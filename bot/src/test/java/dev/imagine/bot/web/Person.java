package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** One API client with its own cookie jar: to the server, one anonymous person. */
final class Person {
    record Answer(int status, JsonObject json, HttpResponse<byte[]> response) {
        String error() {
            return json.has("error") ? json.get("error").getAsString() : "";
        }
    }

    record Event(String name, JsonObject data) {
    }

    private final String base;
    private final HttpClient client;
    private String bearer;

    Person(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    Person withKey(String key) {
        this.bearer = key;
        return this;
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        return builder;
    }

    Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonObject json = new JsonObject();
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (type.startsWith("application/json")) {
            json = JsonParser.parseString(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
        return new Answer(response.statusCode(), json, response);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Answer post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A multipart/form-data POST, as a browser form or curl -F sends it: text fields, then the file {@code image}. */
    Answer postMultipart(String path, java.util.Map<String, String> fields, byte[] image, String fileName)
            throws IOException, InterruptedException {
        return postMultipart(path, fields, image, fileName, null);
    }

    /** A multipart upload with a picture (or none) and a mask to inpaint with (or none) as file fields. */
    Answer postMultipart(String path, java.util.Map<String, String> fields, byte[] image, String fileName,
                         byte[] mask) throws IOException, InterruptedException {
        String boundary = "----imagine-test-" + Long.toHexString(System.nanoTime());
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
        for (var field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(utf8));
        }
        if (image != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                    + fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(utf8));
            body.writeBytes(image);
            body.writeBytes("\r\n".getBytes(utf8));
        }
        if (mask != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"mask\"; filename=\""
                    + "mask.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(utf8));
            body.writeBytes(mask);
            body.writeBytes("\r\n".getBytes(utf8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(utf8));
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    Answer post(String path) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    /** Follows an accepted job (202) through its event stream and returns it as it finished; fails otherwise. */
    JsonObject finished(Answer accepted) throws Exception {
        assertThat(accepted.status()).as(accepted.error()).isEqualTo(202);
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        List<Event> events = events(id);
        Event last = events.get(events.size() - 1);
        assertThat(last.name()).as(last.data().toString()).isEqualTo("finished");
        return last.data().getAsJsonObject("job");
    }

    /** A finished job's first picture, which the server must answer with as a PNG. */
    byte[] firstPicture(JsonObject job) throws Exception {
        Answer answer = get(job.getAsJsonArray("images").get(0).getAsString());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.response().headers().firstValue("Content-Type")).hasValue("image/png");
        return answer.response().body();
    }

    /** Reads a job's event stream until the server ends it (after a final event); fails after 30 s. */
    List<Event> events(String jobId) throws Exception {
        return events(jobId, () -> { });
    }

    /**
     * Follows a job's event stream to its end; {@code afterFirstEvent} runs once the first event arrived, i.e. once
     * this subscriber is certainly registered (a test can then let a held worker go and see every step).
     */
    List<Event> events(String jobId, Runnable afterFirstEvent) throws Exception {
        HttpResponse<Stream<String>> response = client.send(request("/api/jobs/" + jobId + "/events").GET().build(),
                HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            throw new AssertionError("events for " + jobId + " answered " + response.statusCode());
        }
        CompletableFuture<List<Event>> read = CompletableFuture.supplyAsync(() -> {
            List<Event> events = new ArrayList<>();
            String name = null;
            try (Stream<String> lines = response.body()) {
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        events.add(new Event(name, JsonParser.parseString(line.substring(6)).getAsJsonObject()));
                        if (events.size() == 1) {
                            afterFirstEvent.run();
                        }
                    }
                }
            }
            return events;
        });
        return read.get(30, TimeUnit.SECONDS);
    }
}
