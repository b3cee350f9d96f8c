package dev.imagine.bot.command;

import java.util.Optional;
import java.util.function.Predicate;

/**
 * An action on one job as a button carries it: {@code code:jobId}, and optionally {@code :extra} for the adapter's
 * own use (Telegram keeps an album's other message ids there). The job id is the only state a button holds; the job's
 * parameters come from the job store, so buttons keep working after a restart.
 */
public record ActionRef(Action action, String jobId, String extra) {

    public ActionRef(Action action, String jobId) {
        this(action, jobId, null);
    }

    /** The wire form. Each platform checks the length it allows. */
    public String encode() {
        return action.code() + ":" + jobId + (extra == null || extra.isEmpty() ? "" : ":" + extra);
    }

    /**
     * Reads what {@link #encode()} wrote; empty for anything else (an unknown action, a malformed or foreign id):
     * such a button is answered as not Imagine's, before any lookup.
     */
    public static Optional<ActionRef> parse(String data, Predicate<String> looksLikeAJobId) {
        if (data == null) {
            return Optional.empty();
        }
        String[] parts = data.split(":", 3);
        if (parts.length < 2 || !looksLikeAJobId.test(parts[1])) {
            return Optional.empty();
        }
        return Action.ofCode(parts[0]).map(action -> new ActionRef(action, parts[1],
                parts.length == 3 && !parts[2].isEmpty() ? parts[2] : null));
    }
}
