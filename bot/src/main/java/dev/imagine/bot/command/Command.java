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
     * @param precision    the UNet to denoise with (the web API's choice when both are loaded); null: the configured
     */
    record Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                   Integer count, Decoder decoder, PromptSyntax promptSyntax, PictureInput picture,
                   Double strength, Precision precision) implements Command {
        /** A request drawn with the configured precision. */
        public Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                       Integer count, Decoder decoder, PromptSyntax promptSyntax, PictureInput picture,
                       Double strength) {
            this(requester, prompt, seed, steps, size, guidance, count, decoder, promptSyntax, picture, strength, null);
        }

        /** A text to image request whose prompt is read in the person's usual syntax. */
        public Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                       Integer count, Decoder decoder) {
            this(requester, prompt, seed, steps, size, guidance, count, decoder, null, null, null);
        }

        /** A text to image request, its prompt read in {@code promptSyntax} (null: the person's usual one). */
        public Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                       Integer count, Decoder decoder, PromptSyntax promptSyntax) {
            this(requester, prompt, seed, steps, size, guidance, count, decoder, promptSyntax, null, null);
        }

        /** A request from {@code picture} (image to image), its prompt read in the person's usual syntax. */
        public Imagine(Requester requester, String prompt, Long seed, Integer steps, ImageSize size, Float guidance,
                       Integer count, Decoder decoder, PictureInput picture, Double strength) {
            this(requester, prompt, seed, steps, size, guidance, count, decoder, null, picture, strength);
        }

        public static Imagine of(Requester requester, String prompt) {
            return new Imagine(requester, prompt, null, null, null, null, null, null);
        }

        /** The same request drawn from {@code input} (image to image). */
        public Imagine from(PictureInput input) {
            return new Imagine(requester, prompt, seed, steps, size, guidance, count, decoder, promptSyntax, input,
                    strength, precision);
        }

        /** The same request denoised by the UNet of {@code unet} (null: the configured one). */
        public Imagine withPrecision(Precision unet) {
            return new Imagine(requester, prompt, seed, steps, size, guidance, count, decoder, promptSyntax, picture,
                    strength, unet);
        }
    }

    /** The same parameters and the same seed as an earlier job (served from the cache when it can be). */
    record Replay(Requester requester, String jobId) implements Command {
    }

    /** The same parameters as an earlier job with a new seed. */
    record Reroll(Requester requester, String jobId) implements Command {
    }

    /**
     * A variation of an earlier result: image to image of its (first) picture with the same prompt, a new seed and
     * the {@link Variation}'s strength.
     */
    record Vary(Requester requester, String jobId, Variation variation) implements Command {
    }

    /** An earlier result (its first picture) at twice the size, plainly or with its details redrawn. */
    record Upscale(Requester requester, String jobId, boolean detailed) implements Command {
    }

    /**
     * Zoom out or pan an earlier result (its first picture): the same prompt and seed, the new area drawn around or
     * beside the picture.
     */
    record Outpaint(Requester requester, String jobId, OutpaintMode mode) implements Command {
    }

    /**
     * Inpaint: redraw the white part of {@code mask} over the picture {@code imagine} starts from (an upload or an
     * earlier job's picture), with its prompt and options; black is kept.
     *
     * @param mask the mask file as the platform delivered it, not yet checked
     */
    record Inpaint(Imagine imagine, PictureInput.Upload mask) implements Command {
        public Inpaint {
            java.util.Objects.requireNonNull(imagine.picture(), "inpainting needs the picture to paint in");
            java.util.Objects.requireNonNull(mask, "mask");
        }

        @Override
        public Requester requester() {
            return imagine.requester();
        }
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

    /**
     * Moderate Imagine in a community: its admins in their own community, the operator anywhere.
     *
     * @param community the community key ("discord:1234"), "*" for every community (the operator only), or null
     *                  for the requester's own community
     */
    record Moderate(Requester requester, String community, ModerationAction action) implements Command {
    }
}
