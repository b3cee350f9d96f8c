package dev.imagine.bot.queue;

import java.time.Duration;
import java.util.Objects;

/** The checks every {@link JobQueue} makes of what it is offered, before it decides anything. */
public final class OfferArguments {

    private OfferArguments() {
    }

    /**
     * @throws NullPointerException     if an argument is missing
     * @throws IllegalArgumentException if the job id or the user is blank, or the cost is negative
     */
    public static void check(String jobId, String user, Object job, Duration estimatedCost) {
        requireText(jobId, "jobId");
        requireText(user, "user");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(estimatedCost, "estimatedCost");
        if (estimatedCost.isNegative()) {
            throw new IllegalArgumentException("estimatedCost must not be negative, was " + estimatedCost);
        }
    }

    /** @throws IllegalArgumentException if {@code value} is blank (null: NullPointerException naming it) */
    public static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
