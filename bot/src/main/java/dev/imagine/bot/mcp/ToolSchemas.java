package dev.imagine.bot.mcp;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.Defaults;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.PromptSyntax;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.job.JobIds;
import dev.imagine.bot.job.JobSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON schemas of the tools' arguments, from the same rules every platform uses ({@link RequestRules}) and this
 * Imagine's configured limits and defaults, so that an assistant sees the real ranges. Imagine checks the arguments
 * itself ({@link ToolArguments}) to answer in its own words; the schemas tell the assistant what to send.
 */
final class ToolSchemas {
    static final String PROMPT = "prompt";
    static final String JOB_ID = "job_id";
    static final String IMAGE = "image";
    static final String SOURCE_JOB = "source_job";
    static final String SOURCE_IMAGE = "source_image";
    static final String MASK = "mask";

    private ToolSchemas() {
    }

    /**
     * The arguments of {@code imagine}: the prompt and the options of every platform's /imagine, and the picture to
     * start from (a file in base64 or an earlier job's picture) with its strength and an optional mask.
     */
    static Map<String, Object> imagine(JobSettings settings) {
        Limits limits = settings.limits();
        Defaults usual = settings.defaults();
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(PROMPT, Map.of("type", "string", "minLength", 1, "maxLength", limits.maxPromptLength(),
                "description", "What to draw, in English: the subject, then style, light and detail as"
                        + " comma-separated phrases (\"a lighthouse at dusk, oil painting, warm light\")."
                        + " (word:1.3) weighs a phrase more, [word] less."));
        properties.put(ImagineOptions.SEED, Map.of("type", "integer", "minimum", RequestRules.MIN_SEED,
                "maximum", RequestRules.MAX_SEED,
                "description", "The same seed with the same settings draws the same picture. Omit it for a random"
                        + " one; the answer says which seed was used."));
        properties.put(ImagineOptions.STEPS, Map.of("type", "integer", "minimum", RequestRules.MIN_STEPS,
                "maximum", limits.maxSteps(), "default", usual.steps(),
                "description", "Denoising steps: 4 is the usual balance, 2 a quick draft, " + limits.maxSteps()
                        + " the finest."));
        properties.put(ImagineOptions.SIZE, Map.of("type", "string", "pattern", "^[0-9]{3,4}x[0-9]{3,4}$",
                "default", usual.size().toString(),
                "examples", RequestRules.sizesWithin(limits, usual.size()).stream().map(ImageSize::toString).toList(),
                "description", "WIDTHxHEIGHT in pixels, each a multiple of " + RequestRules.SIDE_STEP + " from "
                        + RequestRules.MIN_SIDE + " to " + limits.maxSide() + "; 512x512 suits the model best,"
                        + " 512x768 is portrait, 768x512 landscape. Larger takes much longer."));
        properties.put(ImagineOptions.GUIDANCE, Map.of("type", "number", "minimum", RequestRules.MIN_GUIDANCE,
                "maximum", RequestRules.MAX_GUIDANCE, "default", usual.guidance(),
                "description", "How closely the picture follows the prompt; higher is more literal."));
        properties.put(ImagineOptions.COUNT, Map.of("type", "integer", "minimum", RequestRules.MIN_COUNT,
                "maximum", limits.maxCount(), "default", usual.count(),
                "description", "How many pictures to draw at once (picture i has seed + i)."));
        properties.put(ImagineOptions.DECODER, Map.of("type", "string",
                "enum", RequestRules.decoders(settings.fastDecoderAvailable()).stream().map(Decoder::label).toList(),
                "default", usual.decoder().label(),
                "description", "full: the model's own decoder. fast: a tiny decoder, much quicker, slightly softer"
                        + " (when installed)."));
        properties.put(ImagineOptions.PROMPT_SYNTAX, Map.of("type", "string",
                "enum", List.of(PromptSyntax.A1111.label(), PromptSyntax.PLAIN.label()),
                "default", usual.promptSyntax().label(),
                "description", "a1111: (word:1.2) and [word] weigh phrases, BREAK starts a new chunk, long prompts"
                        + " are read in chunks of 75 tokens. plain: the text as written, cut after 75 tokens."));
        properties.put(IMAGE, Map.of("type", "string", "contentEncoding", "base64",
                "description", "A picture to draw from (image to image): a PNG, JPEG or WebP file of at most "
                        + RequestRules.MAX_PICTURE_BYTES / 1_000_000 + " MB in base64, alone or as a data URL"
                        + " (data:image/png;base64,...). The prompt says what it should become. Without size"
                        + " the picture keeps its proportions (its size rounded to a multiple of 64, within 256"
                        + " to 1024 a side)."));
        properties.put(SOURCE_JOB, Map.of("type", "string", "pattern", "^[a-z0-9]{" + JobIds.LENGTH + "}$",
                "description", "Instead of image: draw from the picture of an earlier job (the job id an earlier"
                        + " answer named)."));
        properties.put(SOURCE_IMAGE, Map.of("type", "integer", "minimum", 0, "maximum", RequestRules.MAX_COUNT - 1,
                "default", 0, "description", "Which picture of source_job, from 0 (its first)."));
        properties.put(ImagineOptions.STRENGTH, Map.of("type", "number", "exclusiveMinimum",
                RequestRules.MIN_STRENGTH, "maximum", RequestRules.MAX_STRENGTH,
                "description", "With image or source_job: how much of the picture to change, from 0.3 (a touch)"
                        + " to 1 (drawn anew). " + RequestRules.DEFAULT_STRENGTH + " by default, "
                        + RequestRules.DEFAULT_INPAINT_STRENGTH + " with a mask."));
        properties.put(MASK, Map.of("type", "string", "contentEncoding", "base64",
                "description", "With image or source_job: redraw only part of the picture (inpainting). A picture"
                        + " of the same proportions in base64, white where to redraw and black where to keep;"
                        + " outside the white part the result is the picture, pixel for pixel."));
        return object(properties, List.of(PROMPT));
    }

    /** The argument of the tools that act on an earlier picture: its job id. */
    static Map<String, Object> earlierJob() {
        return object(Map.of(JOB_ID, Map.of("type", "string", "pattern", "^[a-z0-9]{" + JobIds.LENGTH + "}$",
                "description", "The job id an earlier imagine, same_seed or reroll answered with.")), List.of(JOB_ID));
    }

    static Map<String, Object> none() {
        return object(Map.of(), List.of());
    }

    private static Map<String, Object> object(Map<String, Object> properties, List<String> required) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        if (!required.isEmpty()) {
            schema.put("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }
}
