package dev.imagine.bot.command;

/**
 * Everything a person can ask of Imagine, the same on every platform. Adapters parse platform input (slash
 * commands, buttons, text) into these; the job service answers them.
 */
public sealed interface Command {
    Requester requester();

    /**
     * Draw a prompt. Null fields take the requester's saved defaults, then the configured defaults.
     *
     * @param promptSyntax how to read the prompt for this request only (a1111 or plain)
     */
    record Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                   Integer count, Decoder decoder, PromptSyntax promptSyntax) implements Command {
        public static Imagine of(Requester requester, String prompt) {
            return new Imagine(requester, prompt, null, null, null, null, null, null);
        }

        /** A request whose prompt is read in the person's usual syntax. */
        public Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                       Integer count, Decoder decoder) {
            this(requester, prompt, seed, steps, size, guidance, count, decoder, null);
        }
    }

    /** The same parameters and the same seed as an earlier job (served from the cache when it can be). */
    record Replay(Requester requester, String jobId) implements Command {
    }

    /** The same parameters as an earlier job with a new seed. */
    record Reroll(Requester requester, String jobId) implements Command {
    }

    /** Image-to-image variations of an earlier result (not built yet: refused politely). */
    record Vary(Requester requester, String jobId) implements Command {
    }

    /** Upscale an earlier result (not built yet: refused politely). */
    record Upscale(Requester requester, String jobId) implements Command {
    }

    /** Cancel a waiting or running job; a null id means the requester's most recent one. */
    record Cancel(Requester requester, String jobId) implements Command {
    }

    /** Delete a finished result (only its owner may). */
    record Delete(Requester requester, String jobId) implements Command {
    }

    /** My jobs, my position, the queue length and the wait. */
    record QueueStatus(Requester requester) implements Command {
    }

    /** Show or change settings: the requester's defaults, or the community's limits (admins only). */
    record Settings(Requester requester, SettingsChange change) implements Command {
    }

    record Help(Requester requester) implements Command {
    }
}
