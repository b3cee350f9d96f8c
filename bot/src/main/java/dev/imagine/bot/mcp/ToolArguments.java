package dev.imagine.bot.mcp;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.job.JobIds;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tool call's arguments read into a {@link Command}, in Imagine's own words when they cannot be: the options are
 * read by {@link ImagineOptions} as on every platform (so "steps must be a whole number from 1 to 8, got '4.5'" reads
 * the same here), and whether a value is within the person's limits is the job service's to say.
 */
final class ToolArguments {

    /** Arguments that cannot make a request; the message says what to change. */
    static final class Unusable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message);
        }
    }

    /** The options of a request from words alone: the tool takes no picture, so no strength either. */
    private static final List<String> TEXT_OPTIONS = ImagineOptions.NAMES.stream()
            .filter(name -> !name.equals(ImagineOptions.STRENGTH)).toList();

    private ToolArguments() {
    }

    /** The {@code imagine} tool's arguments as a request. */
    static Command.Imagine imagine(Map<String, Object> arguments, Requester requester) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        List<String> names = new ArrayList<>(List.of(ToolSchemas.PROMPT));
        names.addAll(TEXT_OPTIONS);
        onlyKnown(given, names);
        if (!(given.get(ToolSchemas.PROMPT) instanceof String prompt) || prompt.isBlank()) {
            throw new Unusable("prompt is required: a text that says what to draw, such as \"a lighthouse at dusk,"
                    + " oil painting\"");
        }
        ImagineOptions options = new ImagineOptions();
        for (String name : TEXT_OPTIONS) {
            Object value = given.get(name);
            if (value != null) {
                try {
                    options.read(name, text(value));
                } catch (ImagineOptions.Unreadable e) {
                    throw new Unusable(e.getMessage());
                }
            }
        }
        return options.imagine(requester, prompt);
    }

    /** The job id of the tools that act on an earlier picture. */
    static String jobId(Map<String, Object> arguments) {
        Map<String, Object> given = arguments == null ? Map.of() : arguments;
        onlyKnown(given, List.of(ToolSchemas.JOB_ID));
        Object id = given.get(ToolSchemas.JOB_ID);
        if (!(id instanceof String text) || !JobIds.looksValid(text.strip())) {
            throw new Unusable(ToolSchemas.JOB_ID + " must be the id of an earlier picture, the " + JobIds.LENGTH
                    + " letters and digits an imagine answer names after \"Job id\"" + (id == null ? ""
                    : ", got '" + id + "'"));
        }
        return text.strip();
    }

    static void none(Map<String, Object> arguments) {
        onlyKnown(arguments == null ? Map.of() : arguments, List.of());
    }

    private static void onlyKnown(Map<String, Object> given, List<String> names) {
        for (String name : given.keySet()) {
            if (!names.contains(name)) {
                throw new Unusable(names.isEmpty() ? "this tool takes no arguments, got '" + name + "'"
                        : "'" + name + "' is not an argument of this tool; the arguments are "
                        + String.join(", ", names));
            }
        }
    }

    /** A JSON value as people would type it: 7.5 as "7.5", 4 as "4", a string as it is. */
    private static String text(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            return BigDecimal.valueOf(((Number) value).doubleValue()).toPlainString();
        }
        return value.toString();
    }
}
