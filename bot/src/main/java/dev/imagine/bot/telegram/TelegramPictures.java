package dev.imagine.bot.telegram;

import dev.imagine.bot.command.RequestRules;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;

/**
 * Pictures people send with {@code /imagine}: a photo or an image document with the command as its caption, or the
 * command sent as a reply to one. They are fetched as the Bot API says: {@code getFile} gives a {@code file_path}
 * (bots may fetch files of up to 20 MB), and the file is downloaded from {@code <api>/file/bot<token>/<file_path>}.
 * The library's own download builds an api.telegram.org URL whatever server it was given, so this one uses the
 * configured Bot API server. The token is part of that URL: neither the URL nor the library's exception texts that
 * might hold it are ever logged or shown.
 */
final class TelegramPictures {
    private final Outbox outbox;
    private final OkHttpClient http;
    private final URI api;
    private final String token;

    /** A file of a message: its id, and its size when Telegram said it. */
    record FileRef(String fileId, Long size) {
    }

    /** Why a picture could not be fetched, in words for the person who sent it. */
    static final class Unfetchable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unfetchable(String message) {
            super(message, null, false, false);
        }
    }

    TelegramPictures(Outbox outbox, OkHttpClient http, URI api, String token) {
        this.outbox = outbox;
        this.http = http;
        this.api = api;
        this.token = token;
    }

    /** The picture of a message: the largest size of a photo, or a document (its content says what it is). */
    static Optional<FileRef> of(Message message) {
        if (message == null) {
            return Optional.empty();
        }
        List<PhotoSize> photo = message.getPhoto();
        if (photo != null && !photo.isEmpty()) {
            PhotoSize largest = photo.getFirst();
            for (PhotoSize size : photo) {
                if (area(size) > area(largest)) {
                    largest = size;
                }
            }
            return Optional.of(new FileRef(largest.getFileId(), largest.getFileSize() == null ? null
                    : largest.getFileSize().longValue()));
        }
        Document document = message.getDocument();
        if (document != null) {
            return Optional.of(new FileRef(document.getFileId(), document.getFileSize()));
        }
        return Optional.empty();
    }

    /** The picture of the message, or of the one it replies to. */
    static Optional<FileRef> inOrRepliedTo(Message message) {
        Optional<FileRef> own = of(message);
        return own.isPresent() ? own : of(message.getReplyToMessage());
    }

    private static long area(PhotoSize size) {
        return (long) size.getWidth() * size.getHeight();
    }

    /**
     * The file's bytes. A file Telegram says is larger than Imagine accepts is refused before anything is asked; a
     * download is cut off past that size too. Fails with {@link Unfetchable} saying what to do.
     */
    CompletableFuture<byte[]> download(FileRef ref) {
        long max = RequestRules.MAX_PICTURE_BYTES;
        if (ref.size() != null && ref.size() > max) {
            return CompletableFuture.failedFuture(tooLarge(ref.size()));
        }
        return outbox.side("files", "getFile",
                        (client, ignored) -> client.executeAsync(GetFile.builder().fileId(ref.fileId()).build()))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new Unfetchable("Telegram did not give me"
                        + " that picture (" + safe(e) + "); send it again, as a photo or as a file of at most "
                        + max / 1_000_000 + " MB.")))
                .thenCompose(file -> {
                    if (file.getFileSize() != null && file.getFileSize() > max) {
                        return CompletableFuture.failedFuture(tooLarge(file.getFileSize()));
                    }
                    if (file.getFilePath() == null || file.getFilePath().isBlank()) {
                        return CompletableFuture.failedFuture(new Unfetchable("Telegram has no copy of that picture"
                                + " for me to fetch any more; send it again."));
                    }
                    return fetch(file.getFilePath());
                });
    }

    private CompletableFuture<byte[]> fetch(String filePath) {
        String base = api.toString().replaceAll("/+$", "");
        okhttp3.Request request = new okhttp3.Request.Builder().url(base + "/file/bot" + token + "/" + filePath)
                .get().build();
        CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        http.newCall(request).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                bytes.completeExceptionally(new Unfetchable("I could not download that picture from Telegram ("
                        + e.getClass().getSimpleName() + "); send it again."));
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (response; ResponseBody body = response.body()) {
                    if (!response.isSuccessful() || body == null) {
                        bytes.completeExceptionally(new Unfetchable("Telegram answered " + response.code()
                                + " when I fetched that picture; send it again."));
                        return;
                    }
                    long max = RequestRules.MAX_PICTURE_BYTES;
                    try (InputStream in = body.byteStream()) {
                        byte[] read = in.readNBytes((int) max + 1);
                        if (read.length > max) {
                            bytes.completeExceptionally(tooLarge(read.length));
                        } else {
                            bytes.complete(read);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    bytes.completeExceptionally(new Unfetchable("The download of that picture from Telegram broke off"
                            + "; send it again."));
                }
            }
        });
        return bytes;
    }

    private static Unfetchable tooLarge(long size) {
        return new Unfetchable(String.format(Locale.ROOT, "That file is %.1f MB; Imagine accepts pictures of up to"
                + " %d MB. Send it as a photo (Telegram makes it smaller) or send a smaller file.", size / 1e6,
                RequestRules.MAX_PICTURE_BYTES / 1_000_000));
    }

    /** What went wrong, without anything that could hold the token (a library message may quote a URL). */
    private static String safe(Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return TelegramCallException.of("getFile", cause).getMessage();
    }
}
