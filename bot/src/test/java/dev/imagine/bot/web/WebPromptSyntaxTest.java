package dev.imagine.bot.web;

import static dev.imagine.bot.testing.Pngs.imageData;
import static dev.imagine.bot.testing.Pngs.promptOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.imagine.bot.testing.LongPrompts;
import dev.imagine.bot.testing.Pngs;
import dev.imagine.pipeline.PngParameters;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prompts as people write them, through the JSON API: a weighted long prompt is drawn whole and the job says it was
 * read in chunks; {@code promptSyntax: "plain"} cuts it and the job says what was dropped; Same seed keeps the job's
 * syntax. Real HTTP, the real job service, the fixture model drawing.
 */
class WebPromptSyntaxTest {
    @RegisterExtension
    static final TinyImagineClass server = new TinyImagineClass();

    private static String body(String prompt, String syntax) {
        JsonObject body = new JsonObject();
        body.addProperty("prompt", prompt);
        body.addProperty("seed", 21);
        body.addProperty("steps", 1);
        if (syntax != null) {
            body.addProperty("promptSyntax", syntax);
        }
        return body.toString();
    }

    private static JsonObject finished(Person who, Person.Answer accepted) throws Exception {
        assertThat(accepted.status()).as(accepted.error()).isIn(200, 202);
        JsonObject job = accepted.json().getAsJsonObject("job");
        if (accepted.status() == 200) {
            return job;
        }
        List<Person.Event> events = who.events(job.get("id").getAsString());
        Person.Event last = events.get(events.size() - 1);
        assertThat(last.name()).isEqualTo("finished");
        return last.data().getAsJsonObject("job");
    }

    private static byte[] image(Person who, JsonObject job) throws Exception {
        Person.Answer answer = who.get(job.getAsJsonArray("images").get(0).getAsString());
        assertThat(answer.status()).isEqualTo(200);
        return answer.response().body();
    }

    @Test
    void aWeightedLongPrompt_isDrawnWhole_andTheJobSaysItWasReadInChunks() throws Exception {
        Person alice = server.person();

        JsonObject job = finished(alice, alice.post("/api/jobs", body(LongPrompts.WEIGHTED, null)));

        assertThat(job.get("promptSyntax").getAsString()).isEqualTo("a1111");
        JsonObject reading = job.getAsJsonObject("promptReading");
        assertThat(reading.get("chunks").getAsInt()).isEqualTo(2);
        assertThat(reading.get("read").getAsInt()).isEqualTo(reading.get("tokens").getAsInt()).isGreaterThan(75);
        assertThat(reading.has("dropped")).isFalse();
        assertThat(reading.get("text").getAsString()).matches(LongPrompts.READ_IN_CHUNKS);
        assertThat(promptOf(image(alice, job))).isEqualTo(LongPrompts.WEIGHTED);
    }

    @Test
    void plain_cutsThePrompt_theJobSaysWhatWasDropped_andSameSeedKeepsTheJobsSyntax() throws Exception {
        Person bob = server.person();
        JsonObject weighted = finished(bob, bob.post("/api/jobs", body(LongPrompts.WEIGHTED, "a1111")));

        JsonObject plain = finished(bob, bob.post("/api/jobs", body(LongPrompts.WEIGHTED, "plain")));

        assertThat(plain.get("promptSyntax").getAsString()).isEqualTo("plain");
        JsonObject reading = plain.getAsJsonObject("promptReading");
        assertThat(reading.get("read").getAsInt()).isEqualTo(75);
        assertThat(reading.get("tokens").getAsInt()).isGreaterThan(75);
        assertThat(reading.get("chunks").getAsInt()).isEqualTo(1);
        assertThat(LongPrompts.WEIGHTED).endsWith(reading.get("dropped").getAsString());
        assertThat(reading.get("text").getAsString()).matches(LongPrompts.CUT);
        byte[] plainPng = image(bob, plain);
        assertThat(Pngs.settingsOf(PngParameters.read(plainPng).orElseThrow())).containsEntry("Prompt syntax", "plain");
        assertThat(imageData(plainPng)).isNotEqualTo(imageData(image(bob, weighted)));

        Person carol = server.person();
        JsonObject replay = finished(carol, carol.post("/api/jobs/" + plain.get("id").getAsString() + "/replay"));

        assertThat(replay.get("promptSyntax").getAsString()).isEqualTo("plain");
        assertThat(replay.get("fromCache").getAsBoolean()).isTrue();
        assertThat(imageData(image(carol, replay))).isEqualTo(imageData(plainPng));
    }

    @Test
    void aPromptSyntaxThatIsNotOne_isA400_namingIt() throws Exception {
        Person dave = server.person();

        Person.Answer wrong = dave.post("/api/jobs", body("a fox", "compel"));
        Person.Answer notText = dave.post("/api/jobs", "{\"prompt\":\"a fox\",\"promptSyntax\":1}");

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.error()).startsWith("prompt-syntax must be a1111").endsWith("got 'compel'");
        assertThat(notText.status()).isEqualTo(400);
        assertThat(notText.error()).contains("promptSyntax");
    }

    @Test
    void info_offersTheSyntaxes_theDefault_andTheWordsOfHelp() throws Exception {
        JsonObject info = server.person().get("/api/info").json();

        assertThat(info.getAsJsonArray("promptSyntaxes").asList()).extracting(e -> e.getAsString())
                .containsExactly("a1111", "plain");
        assertThat(info.getAsJsonObject("defaults").get("promptSyntax").getAsString()).isEqualTo("a1111");
        assertThat(info.get("promptHelp").getAsString()).contains("(word:1.2)", "[word]", "BREAK", "plain");
    }
}
