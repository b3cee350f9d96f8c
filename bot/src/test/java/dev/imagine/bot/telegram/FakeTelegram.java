package dev.imagine.bot.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A Bot API server on 127.0.0.1 that the real TelegramBots client talks to: {@code POST /bot<token>/<method>} with
 * JSON or multipart bodies, method names matched case-insensitively, {@code getUpdates} held open until an update
 * arrives or its timeout passes (updates below the offset are confirmed and dropped, as on Telegram), every call
 * recorded with its parameters and uploaded files. It answers 400 {@code BUTTON_DATA_INVALID} for callback data
 * over 64 bytes and can be told to answer one call of a method with 429 and {@code retry_after}.
 *
 * <p>It knows which messages are in which chat: editing or deleting a message that is not in the chat named is
 * answered 400 ("message to edit not found", "message to delete not found"), and so is replying to one unless
 * {@code reply_parameters.allow_sending_without_reply} is true ("Pass True if the message should be sent even if
 * the specified message to be replied to is not found", Bot API, ReplyParameters).
 *
 * <p>A group can become a supergroup ({@link #upgradeToSupergroup}), as Telegram does when a group grows or its
 * admins change certain settings: the supergroup gets a new chat id and none of the group's messages; any call with
 * the old {@code chat_id} is answered 400 "Bad Request: group chat was upgraded to a supergroup chat" with
 * {@code parameters.migrate_to_chat_id} ("The group has been migrated to a supergroup with the specified
 * identifier", Bot API, ResponseParameters); and the bot receives the service messages with
 * {@code migrate_to_chat_id} (in the old chat) and {@code migrate_from_chat_id} (in the new one) (Bot API, Message).
 */
public final class FakeTelegram implements AutoCloseable {
    public static final String TOKEN = "7012345678:AAFakeTokenForTests_only-0123456789ab";
    static final long BOT_ID = 7012345678L;
    static final String BOT_USERNAME = "img_bot";

    /** One request as received. JSON parameters keep their JSON text; multipart fields their text. */
    public record Call(String method, Map<String, String> params, Map<String, byte[]> files, long atNanos,
                JsonNode result) {
        public String param(String name) {
            return params.get(name);
        }

        public JsonNode json(String name) {
            String value = params.get(name);
            if (value == null) {
                return null;
            }
            try {
                return MAPPER.readTree(value);
            } catch (IOException e) {
                return MAPPER.getNodeFactory().textNode(value);
            }
        }

        public long chatId() {
            return Long.parseLong(params.get("chat_id"));
        }

        /** The message id of the message this call sent (or edited), from the fake's answer. */
        public int resultMessageId() {
            return result.path("message_id").asInt();
        }

        /** Every callback_data in this call's inline keyboard, in order. */
        List<String> callbackData() {
            List<String> data = new ArrayList<>();
            JsonNode markup = json("reply_markup");
            if (markup != null) {
                markup.path("inline_keyboard").forEach(row -> row.forEach(b -> {
                    if (b.has("callback_data")) {
                        data.add(b.get("callback_data").asText());
                    }
                }));
            }
            return data;
        }

        /** Whether each photo this call sent is hidden behind a spoiler (has_spoiler), in order. */
        List<Boolean> spoilers() {
            List<Boolean> spoilers = new ArrayList<>();
            if (method.equals("sendphoto")) {
                spoilers.add("true".equals(params.get("has_spoiler")));
            } else if (method.equals("sendmediagroup")) {
                json("media").forEach(m -> spoilers.add(m.path("has_spoiler").asBoolean(false)));
            }
            return spoilers;
        }

        public int replyToMessageId() {
            JsonNode reply = json("reply_parameters");
            return reply == null ? 0 : reply.path("message_id").asInt();
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService threads;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Object updatesLock = new Object();
    private final List<ObjectNode> updates = new ArrayList<>(); // guarded by updatesLock
    private int nextUpdateId = 500; // guarded by updatesLock
    private final AtomicInteger nextMessageId = new AtomicInteger(1000);
    private final AtomicInteger nextCallbackId = new AtomicInteger(1);
    private final Map<String, Integer> floodOnce = new ConcurrentHashMap<>();
    private final Map<Long, String> chatTypes = new ConcurrentHashMap<>();
    /** "chatId/userId" of each group's administrators: getChatMember answers per chat, as Telegram does. */
    private final Set<String> admins = ConcurrentHashMap.newKeySet();
    private final Map<Long, Set<Integer>> messagesByChat = new ConcurrentHashMap<>();
    private final Map<Long, Long> upgradedTo = new ConcurrentHashMap<>();
    /** Files people sent, by file_id; getFile gives them a file_path, which the download then names. */
    private final Map<String, byte[]> filesById = new ConcurrentHashMap<>();
    private final Map<String, String> pathsToIds = new ConcurrentHashMap<>();
    /** The messages people sent, by chat and id: a reply carries the message it replies to. */
    private final Map<String, ObjectNode> sentByPeople = new ConcurrentHashMap<>();
    private final AtomicInteger nextFile = new AtomicInteger();
    private volatile boolean closed;

    /**
     * The Bot API's getFile limit: "bots can download files of up to 20 MB in size" (getFile answers "Bad Request:
     * file is too big" above it).
     */
    static final long GET_FILE_LIMIT = 20L * 1024 * 1024;

    public FakeTelegram() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-telegram");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    // ---- what tests tell the fake ----

    /** The next call of {@code method} is answered 429 with {@code retry_after} seconds (then normal again). */
    void floodOnce(String method, int retryAfterSeconds) {
        floodOnce.put(method.toLowerCase(Locale.ROOT), retryAfterSeconds);
    }

    void makeAdmin(long chatId, long userId) {
        admins.add(chatId + "/" + userId);
    }

    /**
     * Group {@code groupId} becomes a supergroup with a new id, which is returned. With {@code announce}, the bot
     * gets the two service messages; without, it only learns from the 400 answers (it was not polling then, say).
     */
    long upgradeToSupergroup(long groupId, long byUserId, String byUserName, boolean announce) {
        long supergroupId = -1_000_000_000_000L + groupId;
        chatTypes.put(supergroupId, "supergroup");
        upgradedTo.put(groupId, supergroupId);
        // The group's administrators administer the supergroup.
        for (String admin : Set.copyOf(admins)) {
            if (admin.startsWith(groupId + "/")) {
                admins.add(supergroupId + admin.substring(admin.indexOf('/')));
            }
        }
        if (announce) {
            feed(serviceMessage(groupId, chatTypes.getOrDefault(groupId, "group"), byUserId, byUserName,
                    "migrate_to_chat_id", supergroupId));
            feed(serviceMessage(supergroupId, "supergroup", byUserId, byUserName, "migrate_from_chat_id", groupId));
        }
        return supergroupId;
    }

    private ObjectNode serviceMessage(long chatId, String chatType, long userId, String userName, String field,
                                      long value) {
        int messageId = nextMessageId.incrementAndGet();
        inChat(chatId, messageId);
        ObjectNode message = MAPPER.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", now());
        message.set("chat", chat(chatId, chatType));
        message.set("from", user(userId, userName));
        message.put(field, value);
        ObjectNode update = MAPPER.createObjectNode();
        update.set("message", message);
        return update;
    }

    private void inChat(long chatId, int messageId) {
        messagesByChat.computeIfAbsent(chatId, id -> ConcurrentHashMap.newKeySet()).add(messageId);
    }

    private boolean isInChat(long chatId, int messageId) {
        return messagesByChat.getOrDefault(chatId, Set.of()).contains(messageId);
    }

    /**
     * A user's text message; a leading {@code /command} (with an optional {@code @bot}) gets the bot_command entity
     * Telegram sends. Returns its message id.
     */
    public int sendText(long chatId, String chatType, long userId, String userName, String text) {
        return sendReply(chatId, chatType, userId, userName, text, 0, 0);
    }

    /**
     * A user's text message replying to message {@code repliedId} of user {@code repliedUserId} (0: not a reply), as
     * Telegram sends it: with the replied-to message, whose sender is known.
     */
    int sendReply(long chatId, String chatType, long userId, String userName, String text, int repliedId,
                  long repliedUserId) {
        chatTypes.put(chatId, chatType);
        int messageId = nextMessageId.incrementAndGet();
        inChat(chatId, messageId);
        ObjectNode message = MAPPER.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", now());
        message.set("chat", chat(chatId, chatType));
        message.set("from", user(userId, userName));
        message.put("text", text);
        if (repliedId != 0) {
            ObjectNode replied = MAPPER.createObjectNode();
            replied.put("message_id", repliedId);
            replied.put("date", now());
            replied.set("chat", chat(chatId, chatType));
            replied.set("from", user(repliedUserId, "user" + repliedUserId));
            replied.put("text", "something");
            message.set("reply_to_message", replied);
        }
        if (text.startsWith("/")) {
            int end = text.indexOf(' ');
            ObjectNode entity = MAPPER.createObjectNode();
            entity.put("type", "bot_command");
            entity.put("offset", 0);
            entity.put("length", end < 0 ? text.length() : end);
            message.set("entities", MAPPER.createArrayNode().add(entity));
        }
        ObjectNode update = MAPPER.createObjectNode();
        update.set("message", message);
        feed(update);
        return messageId;
    }

    /**
     * A user's photo, with {@code caption} (a leading {@code /command} gets its bot_command caption entity). Telegram
     * stores a photo in several sizes, smallest first: here a 90-pixel thumbnail (another file) and the photo as sent.
     * Returns the message id.
     */
    int sendPhoto(long chatId, String chatType, long userId, String userName, byte[] photo, int width, int height,
                  String caption) {
        ObjectNode message = peopleMessage(chatId, chatType, userId, userName);
        ArrayNode sizes = message.putArray("photo");
        byte[] thumbnail = dev.imagine.bot.testing.Pictures.jpeg(90, Math.max(1, 90 * height / width));
        sizes.add(photoSize(store(thumbnail), thumbnail.length, 90, Math.max(1, 90 * height / width)));
        sizes.add(photoSize(store(photo), photo.length, width, height));
        caption(message, caption);
        return deliver(message);
    }

    /** A user's file sent as a document (uncompressed), with {@code caption}. Returns the message id. */
    int sendDocument(long chatId, String chatType, long userId, String userName, byte[] file, String fileName,
                     String mimeType, String caption) {
        ObjectNode message = peopleMessage(chatId, chatType, userId, userName);
        ObjectNode document = message.putObject("document");
        String id = store(file);
        document.put("file_id", id);
        document.put("file_unique_id", "u" + id);
        document.put("file_name", fileName);
        document.put("mime_type", mimeType);
        document.put("file_size", file.length);
        caption(message, caption);
        return deliver(message);
    }

    /** A user's image document with {@code caption}, replying to message {@code replyTo} of the same chat. */
    int sendDocumentReplyingTo(long chatId, String chatType, long userId, String userName, byte[] file,
                               String fileName, String caption, int replyTo) {
        ObjectNode message = peopleMessage(chatId, chatType, userId, userName);
        ObjectNode document = message.putObject("document");
        String id = store(file);
        document.put("file_id", id);
        document.put("file_unique_id", "u" + id);
        document.put("file_name", fileName);
        document.put("mime_type", "image/png");
        document.put("file_size", file.length);
        caption(message, caption);
        ObjectNode original = sentByPeople.get(chatId + "/" + replyTo);
        if (original != null) {
            message.set("reply_to_message", original.deepCopy());
        }
        return deliver(message);
    }

    /** A user's text message replying to message {@code replyTo} of the same chat (say, a photo). */
    int sendTextReplyingTo(long chatId, String chatType, long userId, String userName, String text, int replyTo) {
        ObjectNode message = peopleMessage(chatId, chatType, userId, userName);
        message.put("text", text);
        if (text.startsWith("/")) {
            message.set("entities", MAPPER.createArrayNode().add(commandEntity(text)));
        }
        ObjectNode original = sentByPeople.get(chatId + "/" + replyTo);
        if (original != null) {
            message.set("reply_to_message", original.deepCopy());
        }
        return deliver(message);
    }

    /** The bytes of every file the bot downloaded, by file_path, in order. */
    List<String> downloads() {
        return calls("download").stream().map(c -> c.param("file_path")).toList();
    }

    private ObjectNode peopleMessage(long chatId, String chatType, long userId, String userName) {
        chatTypes.put(chatId, chatType);
        int messageId = nextMessageId.incrementAndGet();
        inChat(chatId, messageId);
        ObjectNode message = MAPPER.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", now());
        message.set("chat", chat(chatId, chatType));
        message.set("from", user(userId, userName));
        return message;
    }

    private static void caption(ObjectNode message, String caption) {
        if (caption != null) {
            message.put("caption", caption);
            if (caption.startsWith("/")) {
                message.set("caption_entities", MAPPER.createArrayNode().add(commandEntity(caption)));
            }
        }
    }

    private static ObjectNode commandEntity(String text) {
        int end = text.indexOf(' ');
        ObjectNode entity = MAPPER.createObjectNode();
        entity.put("type", "bot_command");
        entity.put("offset", 0);
        entity.put("length", end < 0 ? text.length() : end);
        return entity;
    }

    private int deliver(ObjectNode message) {
        sentByPeople.put(message.get("chat").get("id").asLong() + "/" + message.get("message_id").asInt(), message);
        ObjectNode update = MAPPER.createObjectNode();
        update.set("message", message);
        feed(update);
        return message.get("message_id").asInt();
    }

    private String store(byte[] file) {
        String id = "AgACAgIAAx" + nextFile.incrementAndGet();
        filesById.put(id, file.clone());
        return id;
    }

    private static ObjectNode photoSize(String fileId, int size, int width, int height) {
        ObjectNode photo = MAPPER.createObjectNode();
        photo.put("file_id", fileId);
        photo.put("file_unique_id", "u" + fileId);
        photo.put("width", width);
        photo.put("height", height);
        photo.put("file_size", size);
        return photo;
    }

    /** getFile: a file_path for a file the bot was sent; refused as the Bot API does for unknown or large files. */
    private JsonNode getFile(Map<String, String> params) {
        String id = params.get("file_id");
        byte[] file = id == null ? null : filesById.get(id);
        if (file == null) {
            return error(400, "Bad Request: invalid file_id");
        }
        if (file.length > GET_FILE_LIMIT) {
            return error(400, "Bad Request: file is too big");
        }
        String path = "photos/file_" + id.substring(id.length() - 2) + "_" + nextFile.incrementAndGet() + ".jpg";
        pathsToIds.put(path, id);
        ObjectNode result = MAPPER.createObjectNode();
        result.put("file_id", id);
        result.put("file_unique_id", "u" + id);
        result.put("file_size", file.length);
        result.put("file_path", path);
        return ok(result);
    }

    /** GET /file/bot<token>/<file_path>: only a path getFile gave, only with the bot's token. */
    private void download(HttpExchange exchange, String path) throws IOException {
        String prefix = "/file/bot" + TOKEN + "/";
        if (!path.startsWith(prefix)) {
            respond(exchange, 401, error(401, "Unauthorized"));
            return;
        }
        String filePath = path.substring(prefix.length());
        String id = pathsToIds.get(filePath);
        record(new Call("download", Map.of("file_path", filePath), Map.of(), System.nanoTime(), null));
        if (id == null) {
            respond(exchange, 404, error(404, "Not Found"));
            return;
        }
        byte[] file = filesById.get(id);
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, file.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(file);
        }
    }

    /** A user pressing a button with {@code data} under message {@code messageId}. Returns the query id. */
    String press(long chatId, long userId, String userName, int messageId, String data) {
        String id = "cq-" + nextCallbackId.incrementAndGet();
        inChat(chatId, messageId);
        ObjectNode message = MAPPER.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", now());
        message.set("chat", chat(chatId, chatTypes.getOrDefault(chatId, chatId > 0 ? "private" : "supergroup")));
        message.set("from", bot());
        ObjectNode query = MAPPER.createObjectNode();
        query.put("id", id);
        query.put("chat_instance", "ci-" + chatId);
        query.put("data", data);
        query.set("from", user(userId, userName));
        query.set("message", message);
        ObjectNode update = MAPPER.createObjectNode();
        update.set("callback_query", query);
        feed(update);
        return id;
    }

    private void feed(ObjectNode update) {
        synchronized (updatesLock) {
            update.put("update_id", nextUpdateId++);
            updates.add(update);
            updatesLock.notifyAll();
        }
    }

    // ---- what tests read ----

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equalsIgnoreCase(method)).toList();
    }

    /** Waits up to 10 s for a call of {@code method} (null: any) that matches. */
    public Call await(String method, Predicate<Call> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (calls) {
            while (true) {
                for (Call call : calls) {
                    if ((method == null || call.method().equalsIgnoreCase(method)) && matching.test(call)) {
                        return call;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching " + method + " within 10 s; calls were "
                            + calls.stream().map(c -> c.method() + c.params()).toList());
                }
                TimeUnit.NANOSECONDS.timedWait(calls, left);
            }
        }
    }

    Call await(String method) throws InterruptedException {
        return await(method, c -> true);
    }

    // ---- the server ----

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().startsWith("/file/")) {
                download(exchange, exchange.getRequestURI().getPath());
                return;
            }
            String[] path = exchange.getRequestURI().getPath().split("/");
            if (path.length != 3 || !path[1].startsWith("bot")) {
                respond(exchange, 404, error(404, "Not Found"));
                return;
            }
            if (!path[1].equals("bot" + TOKEN)) {
                respond(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            String method = path[2].toLowerCase(Locale.ROOT);
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> params = new LinkedHashMap<>();
            Map<String, byte[]> files = new LinkedHashMap<>();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && contentType.startsWith("multipart/form-data")) {
                parseMultipart(contentType, body, params, files);
            } else if (body.length > 0) {
                MAPPER.readTree(body).properties().forEach(e -> params.put(e.getKey(),
                        e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
            }
            long at = System.nanoTime();
            Integer flood = floodOnce.remove(method);
            if (flood != null) {
                ObjectNode answer = error(429, "Too Many Requests: retry after " + flood);
                answer.putObject("parameters").put("retry_after", flood);
                record(new Call(method, params, files, at, answer));
                respond(exchange, 429, answer);
                return;
            }
            String invalid = overlongCallbackData(params) != null ? "BUTTON_DATA_INVALID"
                    : unparsableSpoiler(method, params);
            if (invalid != null) {
                ObjectNode answer = error(400, "Bad Request: " + invalid);
                record(new Call(method, params, files, at, answer));
                respond(exchange, 400, answer);
                return;
            }
            Long upgraded = params.containsKey("chat_id") ? upgradedTo.get(Long.parseLong(params.get("chat_id")))
                    : null;
            if (upgraded != null) {
                ObjectNode answer = error(400, "Bad Request: group chat was upgraded to a supergroup chat");
                answer.putObject("parameters").put("migrate_to_chat_id", upgraded);
                record(new Call(method, params, files, at, answer));
                respond(exchange, 400, answer);
                return;
            }
            String missing = missingMessage(method, params);
            if (missing != null) {
                ObjectNode answer = error(400, "Bad Request: " + missing);
                record(new Call(method, params, files, at, answer));
                respond(exchange, 400, answer);
                return;
            }
            if (method.equals("getupdates")) {
                record(new Call(method, params, files, at, null));
                JsonNode result = awaitUpdates(params);
                respond(exchange, 200, ok(result));
                return;
            }
            if (method.equals("getfile")) {
                JsonNode answer = getFile(params);
                record(new Call(method, params, files, at, answer.path("result")));
                respond(exchange, answer.path("ok").asBoolean() ? 200 : 400, answer);
                return;
            }
            JsonNode result = answer(method, params, files);
            record(new Call(method, params, files, at, result));
            if (result == null) {
                respond(exchange, 404, error(404, "Not Found: method not found"));
            } else {
                respond(exchange, 200, ok(result));
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, error(500, "Internal Server Error: " + e));
        }
    }

    private void record(Call call) {
        synchronized (calls) {
            calls.add(call);
            calls.notifyAll();
        }
    }

    /** What Telegram says when a call names a message that is not in its chat; null when all is well. */
    private String missingMessage(String method, Map<String, String> params) {
        if (!params.containsKey("chat_id")) {
            return null;
        }
        long chatId = Long.parseLong(params.get("chat_id"));
        if (params.containsKey("message_id")) {
            int messageId = Integer.parseInt(params.get("message_id"));
            if (method.startsWith("edit") && !isInChat(chatId, messageId)) {
                return "message to edit not found";
            }
            if (method.equals("deletemessage") && !isInChat(chatId, messageId)) {
                return "message to delete not found";
            }
        }
        if (params.containsKey("reply_parameters")) {
            try {
                JsonNode reply = MAPPER.readTree(params.get("reply_parameters"));
                if (!reply.path("allow_sending_without_reply").asBoolean(false)
                        && !isInChat(chatId, reply.path("message_id").asInt())) {
                    return "message to be replied not found";
                }
            } catch (IOException e) {
                return "can't parse reply parameters JSON object";
            }
        }
        return null;
    }

    private JsonNode answer(String method, Map<String, String> params, Map<String, byte[]> files) {
        if (method.equals("deletemessage")) {
            messagesByChat.getOrDefault(Long.parseLong(params.get("chat_id")), Set.of())
                    .remove(Integer.parseInt(params.get("message_id")));
        }
        return switch (method) {
            case "deletewebhook", "setmycommands", "sendchataction", "answercallbackquery", "deletemessage",
                 "deletemessages" -> MAPPER.getNodeFactory().booleanNode(true);
            case "getme" -> bot().put("can_join_groups", true).put("can_read_all_group_messages", false);
            case "getchatmember" -> {
                long userId = Long.parseLong(params.get("user_id"));
                ObjectNode member = MAPPER.createObjectNode();
                member.put("status", admins.contains(params.get("chat_id") + "/" + userId) ? "administrator"
                        : "member");
                member.set("user", user(userId, "user" + userId));
                yield member;
            }
            case "sendmessage" -> message(params).put("text", params.get("text"));
            case "editmessagetext" -> {
                yield messageObject(Long.parseLong(params.get("chat_id")), Integer.parseInt(params.get("message_id")))
                        .put("text", params.get("text"));
            }
            case "sendphoto" -> {
                ObjectNode sent = message(params);
                if (params.containsKey("caption")) {
                    sent.put("caption", params.get("caption"));
                }
                sent.set("photo", photoSizes(files.values().stream().findFirst().orElse(new byte[0])));
                yield sent;
            }
            case "sendmediagroup" -> {
                ArrayNode sent = MAPPER.createArrayNode();
                for (byte[] file : files.values()) {
                    ObjectNode one = message(params);
                    one.put("media_group_id", "album-" + params.get("chat_id"));
                    one.set("photo", photoSizes(file));
                    sent.add(one);
                }
                yield sent;
            }
            default -> null;
        };
    }

    private JsonNode awaitUpdates(Map<String, String> params) {
        long offset = params.containsKey("offset") ? Long.parseLong(params.get("offset")) : 0;
        int timeout = params.containsKey("timeout") ? Integer.parseInt(params.get("timeout")) : 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        synchronized (updatesLock) {
            while (true) {
                for (Iterator<ObjectNode> it = updates.iterator(); it.hasNext(); ) {
                    if (it.next().get("update_id").asLong() < offset) {
                        it.remove(); // confirmed by the offset: gone for good, as on Telegram
                    }
                }
                if (!updates.isEmpty() || closed) {
                    ArrayNode result = MAPPER.createArrayNode();
                    updates.forEach(result::add);
                    return result;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return MAPPER.createArrayNode();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(updatesLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return MAPPER.createArrayNode();
                }
            }
        }
    }

    /** has_spoiler is a Boolean, in sendPhoto's fields and in each InputMediaPhoto of an album; null when fine. */
    private static String unparsableSpoiler(String method, Map<String, String> params) {
        String spoiler = params.get("has_spoiler");
        if (method.equals("sendphoto") && spoiler != null && !spoiler.equals("true") && !spoiler.equals("false")) {
            return "can't parse has_spoiler";
        }
        if (method.equals("sendmediagroup") && params.containsKey("media")) {
            try {
                for (JsonNode media : MAPPER.readTree(params.get("media"))) {
                    if (media.has("has_spoiler") && !media.get("has_spoiler").isBoolean()) {
                        return "can't parse InputMedia: has_spoiler is not a Boolean";
                    }
                }
            } catch (IOException e) {
                return "can't parse media JSON array";
            }
        }
        return null;
    }

    private static String overlongCallbackData(Map<String, String> params) {
        String markup = params.get("reply_markup");
        if (markup == null) {
            return null;
        }
        try {
            for (JsonNode row : MAPPER.readTree(markup).path("inline_keyboard")) {
                for (JsonNode button : row) {
                    String data = button.path("callback_data").asText("");
                    if (data.getBytes(StandardCharsets.UTF_8).length > 64) {
                        return data;
                    }
                }
            }
        } catch (IOException e) {
            return markup;
        }
        return null;
    }

    private ObjectNode message(Map<String, String> params) {
        long chatId = Long.parseLong(params.get("chat_id"));
        int messageId = nextMessageId.incrementAndGet();
        inChat(chatId, messageId);
        return messageObject(chatId, messageId);
    }

    private ObjectNode messageObject(long chatId, int messageId) {
        ObjectNode message = MAPPER.createObjectNode();
        message.put("message_id", messageId);
        message.put("date", now());
        message.set("chat", chat(chatId, chatTypes.getOrDefault(chatId, chatId > 0 ? "private" : "supergroup")));
        message.set("from", bot());
        return message;
    }

    private static ArrayNode photoSizes(byte[] file) {
        ArrayNode sizes = MAPPER.createArrayNode();
        ObjectNode size = sizes.addObject();
        size.put("file_id", "F" + Arrays.hashCode(file));
        size.put("file_unique_id", "U" + Arrays.hashCode(file));
        size.put("width", 256);
        size.put("height", 256);
        size.put("file_size", file.length);
        return sizes;
    }

    private static ObjectNode chat(long id, String type) {
        ObjectNode chat = MAPPER.createObjectNode();
        chat.put("id", id);
        chat.put("type", type);
        if (type.equals("private")) {
            chat.put("first_name", "Someone");
        } else {
            chat.put("title", "Art club");
        }
        return chat;
    }

    private static ObjectNode user(long id, String name) {
        ObjectNode user = MAPPER.createObjectNode();
        user.put("id", id);
        user.put("is_bot", false);
        user.put("first_name", name);
        user.put("username", name);
        return user;
    }

    private static ObjectNode bot() {
        ObjectNode bot = MAPPER.createObjectNode();
        bot.put("id", BOT_ID);
        bot.put("is_bot", true);
        bot.put("first_name", "Imagine");
        bot.put("username", BOT_USERNAME);
        return bot;
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("ok", true);
        answer.set("result", result);
        return answer;
    }

    private static ObjectNode error(int code, String description) {
        ObjectNode answer = MAPPER.createObjectNode();
        answer.put("ok", false);
        answer.put("error_code", code);
        answer.put("description", description);
        return answer;
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** multipart/form-data as OkHttp writes it: text fields to {@code params}, parts with a file name to files. */
    private static void parseMultipart(String contentType, byte[] body, Map<String, String> params,
                                       Map<String, byte[]> files) {
        String boundary = null;
        for (String piece : contentType.split(";")) {
            String p = piece.strip();
            if (p.startsWith("boundary=")) {
                boundary = p.substring("boundary=".length()).replace("\"", "");
            }
        }
        if (boundary == null) {
            throw new IllegalArgumentException("multipart without boundary");
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int position = indexOf(body, delimiter, 0);
        while (position >= 0) {
            int start = position + delimiter.length;
            if (start + 1 < body.length && body[start] == '-' && body[start + 1] == '-') {
                return; // closing delimiter
            }
            start += 2; // CRLF after the delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            String headers = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
            int next = indexOf(body, delimiter, headersEnd + 4);
            byte[] content = Arrays.copyOfRange(body, headersEnd + 4, next - 2); // CRLF before the delimiter
            String name = attribute(headers, "name");
            String fileName = attribute(headers, "filename");
            if (fileName != null) {
                files.put(fileName, content);
            } else if (name != null) {
                params.put(name, new String(content, StandardCharsets.UTF_8));
            }
            position = next;
        }
    }

    private static String attribute(String headers, String key) {
        for (String line : headers.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                continue;
            }
            for (String piece : line.split(";")) {
                String p = piece.strip();
                if (p.startsWith(key + "=")) {
                    return p.substring(key.length() + 1).replaceAll("^\"|\"$", "");
                }
            }
        }
        return null;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (updatesLock) {
            updatesLock.notifyAll();
        }
        server.stop(0);
        threads.shutdownNow();
    }
}
