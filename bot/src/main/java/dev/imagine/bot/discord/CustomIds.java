package dev.imagine.bot.discord;

import dev.imagine.bot.command.Action;
import dev.imagine.bot.command.ActionRef;
import dev.imagine.bot.job.JobIds;
import java.util.Optional;

/** A button's custom id: the action and the job it acts on ({@link ActionRef}), within Discord's 100 characters. */
final class CustomIds {
    /** Discord's limit for a custom id. */
    static final int MAX_LENGTH = 100;

    private CustomIds() {
    }

    static String of(Action action, String jobId) {
        String id = new ActionRef(action, jobId).encode();
        if (id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("custom id longer than " + MAX_LENGTH + " characters: " + id);
        }
        return id;
    }

    /** The action of a button; empty for one that is not Imagine's (any more). */
    static Optional<ActionRef> parse(String customId) {
        return ActionRef.parse(customId, JobIds::looksValid);
    }
}
