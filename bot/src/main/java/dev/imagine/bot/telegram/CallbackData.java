package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.job.JobIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a button carries back: an {@link ActionRef} in Telegram's 1 to 64 bytes of callback data. Only the short job id
 * travels; the job's parameters come from the job store (buttons keep working after a restart).
 */
final class CallbackData {
    static final int MAX_BYTES = 64;

    private CallbackData() {
    }

    static String of(Action action, String jobId) {
        return encode(new ActionRef(action, jobId));
    }

    /** The wire form; throws if it would be longer than Telegram's 64 bytes. */
    static String encode(ActionRef ref) {
        String data = ref.encode();
        int bytes = bytes(ref);
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("callback data is " + bytes + " bytes; Telegram allows " + MAX_BYTES);
        }
        return data;
    }

    private static int bytes(ActionRef ref) {
        return ref.encode().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Delete for a picture sent as an album: the album's other messages (base 36, comma-separated) ride along, as
     * many as fit into 64 bytes; the message carrying the button is always deleted.
     */
    static String deleteWithMessages(String jobId, List<Integer> messageIds) {
        List<String> ids = new ArrayList<>();
        for (int id : messageIds) {
            ids.add(Integer.toString(id, 36));
            if (bytes(new ActionRef(Action.DELETE, jobId, String.join(",", ids))) > MAX_BYTES) {
                ids.remove(ids.size() - 1);
                break;
            }
        }
        return encode(new ActionRef(Action.DELETE, jobId, String.join(",", ids)));
    }

    /** The message ids in a Delete button's extra part. */
    static List<Integer> extraMessageIds(ActionRef ref) {
        List<Integer> ids = new ArrayList<>();
        if (ref.extra() == null) {
            return ids;
        }
        for (String part : ref.extra().split(",")) {
            try {
                ids.add(Integer.parseInt(part, 36));
            } catch (NumberFormatException ignored) {
                // a damaged id is skipped; the message with the button is still deleted
            }
        }
        return ids;
    }

    /** The action of a button; empty for one that is not Imagine's (any more). */
    static Optional<ActionRef> parse(String data) {
        return ActionRef.parse(data, JobIds::looksValid);
    }
}
