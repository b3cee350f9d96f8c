package dev.imagine.bot.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.DeleteMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** The fake itself, driven by the real client: it must refuse what Telegram refuses, or tests prove nothing. */
class FakeTelegramTest {
    private FakeTelegram telegram;
    private OkHttpTelegramClient client;

    @BeforeEach
    void start() throws Exception {
        telegram = new FakeTelegram();
        client = new OkHttpTelegramClient(FakeTelegram.TOKEN,
                TelegramSettings.defaults().withApiUrl(telegram.url()).telegramUrl());
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private SendMessage withButton(String data) {
        return SendMessage.builder().chatId(700L).text("hi").replyMarkup(InlineKeyboardMarkup.builder()
                .keyboardRow(new InlineKeyboardRow(InlineKeyboardButton.builder().text("b").callbackData(data)
                        .build())).build()).build();
    }

    @Test
    void callbackDataOverSixtyFourBytes_isAnsweredWithButtonDataInvalid() {
        assertThatThrownBy(() -> client.execute(withButton("x".repeat(65))))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(400);
                    assertThat(e.getApiResponse()).contains("BUTTON_DATA_INVALID");
                });
    }

    @Test
    void callbackDataOfSixtyFourBytes_isSent_andRecorded() throws Exception {
        client.execute(withButton("x".repeat(64)));

        assertThat(telegram.await("sendMessage").callbackData()).isEqualTo(List.of("x".repeat(64)));
    }

    @Test
    void aFloodedMethod_getsOne429WithRetryAfter_thenWorksAgain() throws Exception {
        telegram.floodOnce("sendMessage", 3);

        assertThatThrownBy(() -> client.execute(withButton("a")))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(429);
                    assertThat(e.getParameters().getRetryAfter()).isEqualTo(3);
                });
        assertThat(client.execute(withButton("a")).getMessageId()).isPositive();
    }

    @Test
    void aGroupThatBecameASupergroup_answersCallsToItsOldIdWithTheNewId() throws Exception {
        telegram.sendText(-4001L, "group", 700, "alice", "hello");
        long supergroup = telegram.upgradeToSupergroup(-4001L, 700, "alice", false);

        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(-4001L).text("hi").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(400);
                    assertThat(e.getApiResponse()).contains("upgraded to a supergroup");
                    assertThat(e.getParameters().getMigrateToChatId()).isEqualTo(supergroup);
                });
        assertThat(client.execute(SendMessage.builder().chatId(supergroup).text("hi").build()).getChatId())
                .isEqualTo(supergroup);
    }

    @Test
    void theSupergroupHasNoneOfTheGroupsMessages() throws Exception {
        int asked = telegram.sendText(-4001L, "group", 700, "alice", "hello");
        long supergroup = telegram.upgradeToSupergroup(-4001L, 700, "alice", false);

        assertThatThrownBy(() -> client.execute(EditMessageText.builder().chatId(supergroup).messageId(asked)
                .text("edited").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message to edit not found"));
        assertThatThrownBy(() -> client.execute(DeleteMessage.builder().chatId(supergroup).messageId(asked).build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message to delete not found"));
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(supergroup).text("re")
                .replyParameters(ReplyParameters.builder().messageId(asked).build()).build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("message to be replied not found"));
        assertThat(client.execute(SendMessage.builder().chatId(supergroup).text("re").replyParameters(
                ReplyParameters.builder().messageId(asked).allowSendingWithoutReply(true).build()).build()))
                .as("sent without the reply, as asked").isNotNull();
    }

    @Test
    void anAnnouncedUpgrade_sendsBothServiceMessages() throws Exception {
        long supergroup = telegram.upgradeToSupergroup(-4001L, 700, "alice", true);

        List<org.telegram.telegrambots.meta.api.objects.Update> updates = client.execute(
                org.telegram.telegrambots.meta.api.methods.updates.GetUpdates.builder().timeout(0).build());

        assertThat(updates).hasSize(2);
        assertThat(updates.get(0).getMessage().getChatId()).isEqualTo(-4001L);
        assertThat(updates.get(0).getMessage().getMigrateToChatId()).isEqualTo(supergroup);
        assertThat(updates.get(1).getMessage().getChatId()).isEqualTo(supergroup);
        assertThat(updates.get(1).getMessage().getMigrateFromChatId()).isEqualTo(-4001L);
    }

    @Test
    void getFile_givesAFilePathForFilesOfUpTo20MB_andTheDownloadNeedsThatPathAndTheToken() throws Exception {
        byte[] small = dev.imagine.bot.testing.Pictures.png(32, 32);
        telegram.sendDocument(700, "private", 700, "alice", small, "a.png", "image/png", null);
        telegram.sendDocument(700, "private", 700, "alice", new byte[(int) FakeTelegram.GET_FILE_LIMIT + 1], "b.png",
                "image/png", null);
        String smallId = "AgACAgIAAx1";
        String bigId = "AgACAgIAAx2";

        org.telegram.telegrambots.meta.api.objects.File file = client.execute(
                org.telegram.telegrambots.meta.api.methods.GetFile.builder().fileId(smallId).build());
        var http = java.net.http.HttpClient.newHttpClient();
        var ok = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(telegram.url() + "/file/bot"
                + FakeTelegram.TOKEN + "/" + file.getFilePath())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var wrongToken = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(telegram.url()
                + "/file/bot1:nope/" + file.getFilePath())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        var unknownPath = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(telegram.url()
                + "/file/bot" + FakeTelegram.TOKEN + "/photos/never_given.jpg")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());

        assertThat(file.getFileSize()).isEqualTo((long) small.length);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo(small);
        assertThat(wrongToken.statusCode()).isEqualTo(401);
        assertThat(unknownPath.statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> client.execute(
                org.telegram.telegrambots.meta.api.methods.GetFile.builder().fileId(bigId).build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("file is too big"));
        assertThatThrownBy(() -> client.execute(
                org.telegram.telegrambots.meta.api.methods.GetFile.builder().fileId("nonsense").build()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class,
                        e -> assertThat(e.getApiResponse()).contains("invalid file_id"));
    }
}
