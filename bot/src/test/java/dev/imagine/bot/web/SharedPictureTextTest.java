package dev.imagine.bot.web;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two people, one picture, two texts, through the API with the real tokenizer and model: prompts that tokenize alike
 * share the pixels of one generation (from memory, or from the disk cache after a restart), and each person's job
 * and PNG say only that person's prompt.
 */
class SharedPictureTextTest {
    static final String ALICES_PROMPT = "My Private Diary Entry";
    static final String BOBS_PROMPT = "my   private diary entry";
    static final String OPTIONS = ",\"seed\":5,\"steps\":1,\"size\":\"256x256\"}";

    @TempDir
    Path data;

    private TinyImagine imagine;

    @AfterEach
    void stop() {
        if (imagine != null) {
            imagine.close();
        }
    }

    private TinyImagine start() {
        return TinyImagine.start(data, new WebSettings("127.0.0.1", 0, null));
    }

    private static String ask(String prompt) {
        return "{\"prompt\":\"" + prompt + "\"" + OPTIONS;
    }

    private static JsonObject drawn(Person who, String prompt) throws Exception {
        Person.Answer accepted = who.post("/api/jobs", ask(prompt));
        assertThat(accepted.status()).as(accepted.error()).isEqualTo(202);
        String id = accepted.json().getAsJsonObject("job").get("id").getAsString();
        List<Person.Event> events = who.events(id);
        assertThat(events.get(events.size() - 1).name()).isEqualTo("finished");
        return events.get(events.size() - 1).data().getAsJsonObject("job");
    }

    private static JsonObject fromCache(Person who, String prompt) throws Exception {
        Person.Answer answer = who.post("/api/jobs", ask(prompt));
        assertThat(answer.status()).as(answer.error()).isEqualTo(200);
        JsonObject job = answer.json().getAsJsonObject("job");
        assertThat(job.get("fromCache").getAsBoolean()).isTrue();
        return job;
    }

    private static byte[] image(Person who, JsonObject job) throws Exception {
        Person.Answer answer = who.get(job.getAsJsonArray("images").get(0).getAsString());
        assertThat(answer.status()).isEqualTo(200);
        return answer.response().body();
    }

    @Test
    void aCacheHit_showsTheRequesterOwnPromptInTheJobAndInThePng_onIdenticalPixels() throws Exception {
        imagine = start();
        Person alice = new Person(imagine.base());
        Person bob = new Person(imagine.base());
        JsonObject alicesJob = drawn(alice, ALICES_PROMPT);
        byte[] alicesPng = image(alice, alicesJob);

        JsonObject bobsJob = fromCache(bob, BOBS_PROMPT);
        byte[] bobsPng = image(bob, bobsJob);

        assertThat(bobsJob.get("prompt").getAsString()).isEqualTo(BOBS_PROMPT);
        assertThat(bob.get("/api/jobs/" + bobsJob.get("id").getAsString()).json().get("prompt").getAsString())
                .isEqualTo(BOBS_PROMPT);
        assertThat(promptOf(bobsPng)).isEqualTo(BOBS_PROMPT);
        assertThat(new String(bobsPng, StandardCharsets.ISO_8859_1)).doesNotContain(ALICES_PROMPT);
        assertThat(imageData(bobsPng)).isEqualTo(imageData(alicesPng));
        assertThat(promptOf(image(alice, alicesJob))).isEqualTo(ALICES_PROMPT);
        assertThat(promptOf(image(bob, alicesJob))).as("anyone looking at Alice's job sees Alice's prompt")
                .isEqualTo(ALICES_PROMPT);
    }

    @Test
    void afterARestart_theDiskCacheServesThePixels_withTheNewRequestersText() throws Exception {
        imagine = start();
        Person alice = new Person(imagine.base());
        byte[] alicesPng = image(alice, drawn(alice, ALICES_PROMPT));
        imagine.close();
        imagine = null;

        imagine = start();
        Person carol = new Person(imagine.base());
        JsonObject carolsJob = fromCache(carol, "MY PRIVATE DIARY ENTRY");
        byte[] carolsPng = image(carol, carolsJob);

        assertThat(promptOf(carolsPng)).isEqualTo("MY PRIVATE DIARY ENTRY");
        assertThat(new String(carolsPng, StandardCharsets.ISO_8859_1)).doesNotContain(ALICES_PROMPT);
        assertThat(imageData(carolsPng)).isEqualTo(imageData(alicesPng));
    }
}
