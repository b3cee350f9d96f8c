package dev.imagine.bot.discord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake Discord holds bots to Discord's documented interaction rules (see {@link FakeDiscord}'s class comment for
 * the sources), so that a bot which breaks them fails its tests here instead of misbehaving in real Discord.
 */
class FakeDiscordTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeDiscord discord;

    @BeforeEach
    void start() throws IOException {
        discord = new FakeDiscord();
    }

    @AfterEach
    void stop() throws IOException {
        discord.close();
    }

    private record Answer(int status, DataObject body) {
        int code() {
            return body.getInt("code", 0);
        }
    }

    private Answer call(String method, String path, DataObject json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(discord.restUrl() + path))
                .header("Authorization", "Bot " + FakeDiscord.TOKEN)
                .header("Content-Type", "application/json");
        request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.toString()));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        return new Answer(response.statusCode(), body == null || body.isBlank() ? DataObject.empty()
                : DataObject.fromJson(body));
    }

    private Answer respond(String token, int type, int flags, String content) throws Exception {
        DataObject data = DataObject.empty().put("flags", flags);
        if (content != null) {
            data.put("content", content);
        }
        return call("POST", "interactions/" + discord.interactionId(token) + "/" + token + "/callback",
                DataObject.empty().put("type", type).put("data", data));
    }

    private Answer followUp(String token, int flags, String content) throws Exception {
        return call("POST", "webhooks/" + FakeDiscord.APP_ID + "/" + token,
                DataObject.empty().put("content", content).put("flags", flags));
    }

    private Answer editOriginal(String token, String content) throws Exception {
        return call("PATCH", "webhooks/" + FakeDiscord.APP_ID + "/" + token + "/messages/@original",
                DataObject.empty().put("content", content));
    }

    @Test
    void anInteractionHasOneInitialResponse() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");

        assertThat(respond(token, 4, 0, "first").status()).isEqualTo(204);
        Answer second = respond(token, 4, 64, "second");

        assertThat(second.status()).isEqualTo(400);
        assertThat(second.code()).isEqualTo(40060);
        assertThat(discord.messagesOf(token)).extracting(m -> m.content).containsExactly("first");
    }

    @Test
    void theInitialResponseMustComeWithinThreeSeconds_thenTheTokenIsInvalidated() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");
        discord.advanceClock(Duration.ofMillis(3100));

        Answer late = respond(token, 5, 0, null);

        assertThat(late.status()).isEqualTo(404);
        assertThat(late.code()).isEqualTo(10062);
        assertThat(followUp(token, 0, "anyway").code()).isEqualTo(50027);
    }

    @Test
    void theWebhookKnowsAnInteractionOnlyAfterItsInitialResponse_andForFifteenMinutes() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");

        Answer early = editOriginal(token, "too soon");
        assertThat(early.status()).isEqualTo(404);
        assertThat(early.code()).isEqualTo(10015);

        respond(token, 5, 0, null);
        assertThat(editOriginal(token, "in time").status()).isEqualTo(200);
        discord.advanceClock(Duration.ofMinutes(15).plusSeconds(1));
        Answer expired = editOriginal(token, "too late");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.code()).isEqualTo(50027);
    }

    @Test
    void theFirstFollowUpAfterAPublicDeferral_editsTheDeferredMessage_andStaysPublic() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");
        respond(token, 5, 0, null);

        Answer first = followUp(token, 64, "meant to be private");
        Answer second = followUp(token, 64, "private indeed");

        assertThat(first.body().getInt("flags")).as("flags 64 ignored").isZero();
        assertThat(second.body().getInt("flags")).isEqualTo(64);
        assertThat(discord.messagesOf(token)).hasSize(2);
        FakeDiscord.Shown deferred = discord.messagesOf(token).get(0);
        assertThat(deferred.ephemeral).isFalse();
        assertThat(deferred.content).isEqualTo("meant to be private");
        assertThat(discord.messagesOf(token).get(1).ephemeral).isTrue();
    }

    @Test
    void anEphemeralDeferral_staysEphemeral_whateverTheEditSays() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");
        respond(token, 5, 64, null);

        followUp(token, 0, "meant to be public");

        assertThat(discord.messagesOf(token)).singleElement().matches(m -> m.ephemeral && !m.loading);
    }

    @Test
    void deferredUpdatesAreOnlyForComponents_andThenTheOriginalIsTheClickedMessage() throws Exception {
        String command = discord.slash(FakeDiscord.ALICE, "imagine");
        Answer wrong = respond(command, 6, 0, null);
        assertThat(wrong.status()).isEqualTo(400);

        String click = discord.click(FakeDiscord.ALICE, "del:abc");
        assertThat(respond(click, 6, 0, null).status()).isEqualTo(204);
        assertThat(followUp(click, 64, "a new, private message").body().getInt("flags")).isEqualTo(64);
        assertThat(call("DELETE", "webhooks/" + FakeDiscord.APP_ID + "/" + click + "/messages/@original", null)
                .status()).isEqualTo(204);
        assertThat(discord.originalOf(click).deleted).isTrue();
        assertThat(discord.messagesOf(click)).singleElement().matches(m -> m.ephemeral && !m.deleted);
    }

    @Test
    void anEphemeralMessageCannotBeDeletedThroughTheChannel() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");
        respond(token, 4, 64, "only for you");
        String id = discord.messagesOf(token).get(0).id;

        Answer delete = call("DELETE", "channels/" + FakeDiscord.CHANNEL_ID + "/messages/" + id, null);

        assertThat(delete.status()).isEqualTo(404);
        assertThat(delete.code()).isEqualTo(10008);
        assertThat(discord.messagesOf(token).get(0).deleted).isFalse();
    }

    @Test
    void aDeletedMessageIsGone() throws Exception {
        String token = discord.slash(FakeDiscord.ALICE, "imagine");
        respond(token, 4, 0, "public");
        assertThat(call("DELETE", "webhooks/" + FakeDiscord.APP_ID + "/" + token + "/messages/@original", null)
                .status()).isEqualTo(204);

        Answer edit = editOriginal(token, "again");

        assertThat(edit.status()).isEqualTo(404);
        assertThat(edit.code()).isEqualTo(10008);
    }

    @Test
    void theCdn_servesAnAttachmentOnlyAtItsSignedUrl_untilTheLinkExpires() throws Exception {
        byte[] picture = dev.imagine.bot.testing.Pictures.png(16, 16);
        String url = discord.attachment("a.png", "image/png", picture).getString("url");
        String unsigned = url.substring(0, url.indexOf('?'));
        String forged = url.replaceFirst("hm=[0-9a-f]+", "hm=00");

        HttpResponse<byte[]> signed = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        int withoutSignature = http.send(HttpRequest.newBuilder(URI.create(unsigned)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        int withForgery = http.send(HttpRequest.newBuilder(URI.create(forged)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        discord.advanceClock(FakeDiscord.CDN_LINK_LIFETIME.plusMinutes(1));
        int expired = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();

        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).isEqualTo(picture);
        assertThat(withoutSignature).isEqualTo(404);
        assertThat(withForgery).isEqualTo(404);
        assertThat(expired).isEqualTo(404);
    }

    @Test
    void aMemberCannotAttachMoreThanTheServersUploadLimit() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> discord.slashWithAttachment(FakeDiscord.ALICE,
                        "imagine", "big.png", "image/png", new byte[(10 << 20) + 1]))
                .hasMessageContaining("does not let a member attach");
    }
}
