package dev.imagine.bot.discord;

import dev.imagine.bot.job.JobIds;
import java.util.Optional;

/**
 * Button custom ids: {@code verb:jobId}. The job id is the only state a button carries; its parameters come from
 * the job store, so buttons keep working after a restart.
 */
final class CustomIds {
    static final String SAME_SEED = "same";
    static final String REROLL = "rr";
    static final String VARY = "var";
    static final String UPSCALE = "up";
    static final String DELETE = "del";

    /** Discord's limit for a custom id. */
    static final int MAX_LENGTH = 100;

    private CustomIds() {
    }

    record Parsed(String verb, String jobId) {
    }

    static String of(String verb, String jobId) {
        String id = verb + ":" + jobId;
        if (id.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("custom id longer than " + MAX_LENGTH + " characters: " + id);
        }
        return id;
    }

    static Optional<Parsed> parse(String customId) {
        int colon = customId == null ? -1 : customId.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String verb = customId.substring(0, colon);
        String jobId = customId.substring(colon + 1);
        if (!JobIds.looksValid(jobId)) {
            return Optional.empty();
        }
        return switch (verb) {
            case SAME_SEED, REROLL, VARY, UPSCALE, DELETE -> Optional.of(new Parsed(verb, jobId));
            default -> Optional.empty();
        };
    }
}
