package dev.imagine.bot.telegram;

import dev.imagine.bot.job.JobIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a button carries back: {@code verb:jobId[:extra]}. Telegram allows 1 to 64 bytes of callback data, so only
 * the short job id travels; the job's parameters come from the job store (buttons keep working after a restart).
 */
record CallbackData(String verb, String jobId, String extra) {
    static final int MAX_BYTES = 64;

    static final String SAME_SEED = "same";
    static final String REROLL = "rr";
    static final String VARY = "var";
    static final String UPSCALE = "up";
    static final String DELETE = "del";
    static final String CANCEL = "cx";

    /** The wire form; throws if it would be longer than Telegram's 64 bytes. */
    String encode() {
        String data = verb + ":" + jobId + (extra == null || extra.isEmpty() ? "" : ":" + extra);
        int bytes = data.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("callback data is " + bytes + " bytes; Telegram allows " + MAX_BYTES);
        }
        return data;
    }

    static String of(String verb, String jobId) {
        return new CallbackData(verb, jobId, null).encode();
    }

    /**
     * Delete for a picture sent as an album: the album's other messages (base 36, comma-separated) ride along, as
     * many as fit into 64 bytes; the message carrying the button is always deleted.
     */
    static String deleteWithMessages(String jobId, List<Integer> messageIds) {
        List<String> ids = new ArrayList<>();
        for (int id : messageIds) {
            ids.add(Integer.toString(id, 36));
            if (new CallbackData(DELETE, jobId, String.join(",", ids)).byteLength() > MAX_BYTES) {
                ids.remove(ids.size() - 1);
                break;
            }
        }
        return new CallbackData(DELETE, jobId, String.join(",", ids)).encode();
    }

    private int byteLength() {
        return (verb + ":" + jobId + ":" + extra).getBytes(StandardCharsets.UTF_8).length;
    }

    /** The message ids in a Delete button's extra part. */
    List<Integer> extraMessageIds() {
        List<Integer> ids = new ArrayList<>();
        if (extra == null || extra.isEmpty()) {
            return ids;
        }
        for (String part : extra.split(",")) {
            try {
                ids.add(Integer.parseInt(part, 36));
            } catch (NumberFormatException ignored) {
                // a damaged id is skipped; the message with the button is still deleted
            }
        }
        return ids;
    }

    static Optional<CallbackData> parse(String data) {
        if (data == null) {
            return Optional.empty();
        }
        String[] parts = data.split(":", 3);
        if (parts.length < 2 || !JobIds.looksValid(parts[1])) {
            return Optional.empty();
        }
        return Optional.of(new CallbackData(parts[0], parts[1], parts.length == 3 ? parts[2] : null));
    }
}
