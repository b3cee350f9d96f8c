package dev.imagine.bot.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.imagine.bot.testing.OutOfRange;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JSON API over real HTTP against the real job service drawing with the small fixture model: what a script or
 * the playground page sees.
 */
class WebApiTest {
    @RegisterExtension
    static final TinyImagineClass server = new TinyImagineClass();

    /** Submits a prompt and follows it to the end; returns the finished job. */
    private static JsonObject draw(Person who, String body) throws Exception {
        return who.finished(who.post("/api/jobs", body));
    }

    @Test
    void submit_isAcceptedWithPositionAndEta_streamsEveryStep_andServesA256PngWithItsParameters() throws Exception {
        Person alice = server.person();
        // Someone else's picture holds the worker, so Alice's job waits until her event stream is surely open.
        TinyImagine.Hold held = server.imagine().holdWorker();
        server.person().post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
        held.awaitHeld();
        Person.Answer accepted = alice.post("/api/jobs",
                "{\"prompt\":\"a red fox in the snow\",\"seed\":42,\"steps\":2,\"size\":\"256x256\"}");

        assertThat(accepted.status()).as(accepted.error()).isEqualTo(202);
        assertThat(accepted.json().get("position").getAsInt()).isGreaterThanOrEqualTo(1);
        assertThat(accepted.json().get("eta").getAsString()).isNotBlank();
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        assertThat(accepted.response().headers().firstValue("Location")).hasValue("/api/jobs/" + id);

        List<Person.Event> events = alice.events(id, held::close);
        List<String> names = events.stream().map(Person.Event::name).toList();
        assertThat(names.get(0)).isEqualTo("queued");
        assertThat(names.get(names.size() - 1)).isEqualTo("finished");
        assertThat(events.stream().filter(e -> e.name().equals("progress"))
                .map(e -> e.data().get("step").getAsInt() + "/" + e.data().get("totalSteps").getAsInt()))
                .containsExactly("1/2", "2/2");
        JsonObject job = events.get(events.size() - 1).data().getAsJsonObject("job");
        assertThat(job.get("state").getAsString()).isEqualTo("done");
        assertThat(job.get("fromCache").getAsBoolean()).isFalse();
        assertThat(job.get("mine").getAsBoolean()).isTrue();

        byte[] png = alice.firstPicture(job);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(decoded.getWidth()).isEqualTo(256);
        assertThat(decoded.getHeight()).isEqualTo(256);
        assertThat(new String(png, StandardCharsets.ISO_8859_1)).contains("parameters")
                .contains("a red fox in the snow").contains("Seed: 42").contains("Steps: 2");
    }

    @Test
    void replay_answersAtOnceFromTheCache_withIdenticalBytes_andALateSubscriberGetsTheFinalStateFirst()
            throws Exception {
        Person alice = server.person();
        JsonObject first = draw(alice, "{\"prompt\":\"a teapot on a hill\",\"seed\":7}");
        byte[] original = alice.firstPicture(first);

        Person bob = server.person();
        Person.Answer replay = bob.post("/api/jobs/" + first.get("id").getAsString() + "/replay");

        assertThat(replay.status()).as(replay.error()).isEqualTo(200);
        JsonObject again = replay.json().getAsJsonObject("job");
        assertThat(again.get("fromCache").getAsBoolean()).isTrue();
        assertThat(again.get("seed").getAsLong()).isEqualTo(7);
        assertThat(bob.firstPicture(again)).isEqualTo(original);

        List<Person.Event> late = bob.events(first.get("id").getAsString());
        assertThat(late).extracting(Person.Event::name).containsExactly("finished");
    }

    @Test
    void reroll_drawsTheSamePromptWithANewSeed_andADifferentPicture() throws Exception {
        Person alice = server.person();
        JsonObject first = draw(alice, "{\"prompt\":\"a castle in the clouds\",\"seed\":5}");

        Person.Answer reroll = alice.post("/api/jobs/" + first.get("id").getAsString() + "/reroll");
        assertThat(reroll.status()).as(reroll.error()).isEqualTo(202);
        String id = reroll.json().getAsJsonObject("job").get("id").getAsString();
        List<Person.Event> events = alice.events(id);
        JsonObject rerolled = events.get(events.size() - 1).data().getAsJsonObject("job");

        assertThat(rerolled.get("prompt").getAsString()).isEqualTo("a castle in the clouds");
        assertThat(rerolled.get("seed").getAsLong()).isNotEqualTo(5);
        assertThat(rerolled.get("sourceJobId").getAsString()).isEqualTo(first.get("id").getAsString());
        assertThat(alice.firstPicture(rerolled)).isNotEqualTo(alice.firstPicture(first));
    }

    @Test
    void delete_byAnotherPerson_isForbidden_byTheOwner_removesThePictureFromHistoryAndDownload() throws Exception {
        Person alice = server.person();
        JsonObject job = draw(alice, "{\"prompt\":\"a lonely robot\",\"seed\":11}");
        String id = job.get("id").getAsString();

        Person.Answer stranger = server.person().delete("/api/jobs/" + id);
        assertThat(stranger.status()).isEqualTo(403);
        assertThat(stranger.error()).containsIgnoringCase("only the person who asked");
        assertThat(alice.firstPicture(job)).isNotEmpty();

        Person.Answer owner = alice.delete("/api/jobs/" + id);
        assertThat(owner.status()).isEqualTo(200);
        assertThat(owner.json().getAsJsonObject("job").get("state").getAsString()).isEqualTo("deleted");
        assertThat(alice.get("/api/jobs/" + id + "/images/0").status()).isEqualTo(410);
        assertThat(alice.get("/api/jobs").json().getAsJsonArray("jobs").toString()).doesNotContain(id);
    }

    @Test
    void myJobs_listsOnlyMyOwn_newestFirst() throws Exception {
        Person carol = server.person();
        JsonObject older = draw(carol, "{\"prompt\":\"an old map\",\"seed\":1}");
        JsonObject newer = draw(carol, "{\"prompt\":\"a new map\",\"seed\":2}");
        draw(server.person(), "{\"prompt\":\"someone else's map\",\"seed\":3}");

        Person.Answer mine = carol.get("/api/jobs");

        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.json().getAsJsonArray("jobs").asList()).extracting(j -> j.getAsJsonObject().get("id")
                .getAsString()).containsExactly(newer.get("id").getAsString(), older.get("id").getAsString());
    }

    @Test
    void badInput_isA400_whoseMessageNamesTheValue() throws Exception {
        Person alice = server.person();

        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"steps\":12}").error()).contains("steps 12");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"size\":\"huge\"}").error()).contains("'huge'");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"size\":\"250x256\"}").error()).contains("width 250");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"seed\":-1}").error()).contains("seed").contains("-1");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"guidance\":\"lots\"}").error())
                .contains("guidance").contains("lots");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"decoder\":\"turbo\"}").error()).contains("'turbo'");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"x\",\"stepz\":2}").error()).contains("stepz");
        assertThat(alice.post("/api/jobs", "{\"prompt\":\"  \"}").error()).contains("prompt is empty");
        assertThat(alice.post("/api/jobs", "{\"prompt\":").error()).contains("not valid JSON");
        for (String body : List.of("{\"prompt\":\"x\",\"steps\":12}", "{\"prompt\":\"x\",\"size\":\"huge\"}",
                "{\"prompt\":\"x\",\"seed\":-1}", "{\"prompt\":\"x\",\"stepz\":2}", "[1]")) {
            assertThat(alice.post("/api/jobs", body).status()).as(body).isEqualTo(400);
        }
        assertThat(alice.send(alice.request("/api/jobs").header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}")).build()).status())
                .isEqualTo(415);
        assertThat(alice.get("/api/jobs/nosuchjob0").status()).isEqualTo(404);
        assertThat(alice.post("/api/jobs/nosuchjob0/replay").status()).isEqualTo(404);
    }

    @Test
    void optionsOutOfRange_are400_inTheSameWordsAsOnEveryPlatform() throws Exception {
        Person alice = server.person();
        for (OutOfRange.Case wrong : OutOfRange.CASES) {
            Person.Answer answer = alice.post("/api/jobs", "{\"prompt\":\"a red fox\",\"" + wrong.option() + "\":"
                    + wrong.text() + "}");

            assertThat(answer.status()).as(wrong.option()).isEqualTo(400);
            assertThat(answer.error()).as(wrong.option()).isEqualTo(wrong.refusal());
        }
    }

    @Test
    void aFullShareOfTheQueue_isA429_withThePoliteRefusal() throws Exception {
        Person dave = server.person();
        try (TinyImagine.Hold held = server.imagine().holdWorker()) {
            Person.Answer blocker = server.person().post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
            assertThat(blocker.status()).isEqualTo(202);
            held.awaitHeld();
            for (int i = 0; i < 3; i++) {
                Person.Answer waiting = dave.post("/api/jobs", "{\"prompt\":\"wave " + i + "\",\"seed\":" + i + "}");
                assertThat(waiting.status()).as(waiting.error()).isEqualTo(202);
            }

            Person.Answer fourth = dave.post("/api/jobs", "{\"prompt\":\"wave 3\",\"seed\":3}");

            assertThat(fourth.status()).isEqualTo(429);
            assertThat(fourth.error()).contains("3");
            assertThat(fourth.response().headers().firstValue("Retry-After")).hasValueSatisfying(seconds ->
                    assertThat(Long.parseLong(seconds)).isBetween(1L, 3600L));
            Person.Answer queue = dave.get("/api/queue");
            assertThat(queue.json().getAsJsonArray("mine")).hasSize(3);
            assertThat(queue.json().get("drawing").getAsBoolean()).isTrue();
        }
    }

    @Test
    void a429_carriesItsReasonPhrase_andRetryAfter_onTheWire() throws Exception {
        String cookie = "imagine_user=rawhttpuser00000000";
        try (TinyImagine.Hold held = server.imagine().holdWorker()) {
            server.person().post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
            held.awaitHeld();
            RawHttp.Answer last = null;
            for (int i = 0; i < 4; i++) {
                String body = "{\"prompt\":\"raw wave " + i + "\",\"seed\":" + i + "}";
                last = RawHttp.exchange(server.imagine().web.port(), "POST /api/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Cookie: " + cookie + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\nConnection: close\r\n\r\n" + body, java.time.Duration.ofSeconds(10));
            }

            assertThat(last.statusLine()).isEqualTo("HTTP/1.1 429 Too Many Requests");
            assertThat(Long.parseLong(last.header("Retry-After"))).isBetween(1L, 3600L);
            assertThat(last.header("Content-Type")).startsWith("application/json");
        }
    }

    @Test
    void info_showsAModelFolderByItsName_neverItsPath() {
        assertThat(ServiceRoutes.modelName("/home/someone/models/LCM_Dreamshaper_v7"))
                .isEqualTo("LCM_Dreamshaper_v7");
        assertThat(ServiceRoutes.modelName("SimianLuo/LCM_Dreamshaper_v7")).isEqualTo("SimianLuo/LCM_Dreamshaper_v7");
    }

    @Test
    void aWaitingJob_showsItsPlace_andCancellingIt_endsItsStreamWithCancelled() throws Exception {
        Person erin = server.person();
        String id;
        try (TinyImagine.Hold held = server.imagine().holdWorker()) {
            server.person().post("/api/jobs", "{\"prompt\":\"" + TinyImagine.HOLD_PROMPT + "\"}");
            held.awaitHeld();
            Person.Answer waiting = erin.post("/api/jobs", "{\"prompt\":\"never mind\",\"seed\":9}");
            assertThat(waiting.status()).isEqualTo(202);
            id = waiting.json().getAsJsonObject("job").get("id").getAsString();
            JsonObject status = erin.get("/api/jobs/" + id).json();
            assertThat(status.get("state").getAsString()).isEqualTo("queued");
            assertThat(status.get("position").getAsInt()).isGreaterThanOrEqualTo(1);

            assertThat(server.person().post("/api/jobs/" + id + "/cancel").status()).isEqualTo(403);
            Person.Answer cancelled = erin.post("/api/jobs/" + id + "/cancel");

            assertThat(cancelled.status()).as(cancelled.error()).isEqualTo(200);
            assertThat(cancelled.json().getAsJsonObject("job").get("state").getAsString()).isEqualTo("cancelled");
        }
        assertThat(erin.events(id)).extracting(Person.Event::name).containsExactly("cancelled");
    }

    @Test
    void info_offersTheSizesWithinTheLimits_andTheDefaults() throws Exception {
        Person.Answer info = server.person().get("/api/info");

        assertThat(info.status()).isEqualTo(200);
        assertThat(info.json().getAsJsonArray("sizes").asList()).extracting(e -> e.getAsString())
                .containsExactly("512x512", "512x768", "768x512", "384x384", "256x256", "768x768", "1024x1024");
        assertThat(info.json().getAsJsonObject("defaults").get("size").getAsString()).isEqualTo("256x256");
        assertThat(info.json().getAsJsonObject("limits").get("maxSteps").getAsInt()).isEqualTo(8);
        assertThat(info.json().get("model").getAsString()).isEqualTo("tiny-lcm");
        assertThat(info.json().get("user").getAsString()).startsWith("web:");
    }

    @Test
    void queue_saysWhatIsWaiting() throws Exception {
        Person.Answer queue = server.person().get("/api/queue");

        assertThat(queue.status()).isEqualTo(200);
        assertThat(queue.json().has("waiting")).isTrue();
        assertThat(queue.json().get("text").getAsString()).contains("waiting in all");
    }

    @Test
    void unknownPaths_are404_andWrongMethods_are405WithAllow() throws Exception {
        Person alice = server.person();
        assertThat(alice.get("/api/nothing").status()).isEqualTo(404);
        Person.Answer wrong = alice.send(alice.request("/api/queue").DELETE().build());
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.response().headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void thePage_andItsFiles_areServed_withTheAnonymousIdCookie() throws Exception {
        Person alice = server.person();
        Person.Answer page = alice.get("/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(new String(page.response().body(), StandardCharsets.UTF_8)).contains("<textarea id=\"prompt\"");
        assertThat(page.response().headers().allValues("Set-Cookie")).anySatisfy(cookie ->
                assertThat(cookie).startsWith("imagine_user=").contains("HttpOnly").contains("SameSite=Strict"));
        assertThat(alice.get("/app.js").status()).isEqualTo(200);
        assertThat(alice.get("/app.css").status()).isEqualTo(200);
    }
}
