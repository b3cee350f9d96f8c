package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.Limits;
import dev.imagine.bot.command.RequestRules;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.SettingsChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text after {@code /imagine} and {@code /settings}. Flags follow the prompt and are the request's options
 * by name ({@link ImagineOptions}, read as on every platform); phones turn {@code --} into a dash (— or –), which is
 * read as {@code --} too. Anything not understood comes back as a message that quotes it and shows the right syntax.
 */
final class CommandParser {
    static final String IMAGINE_FLAGS = "--seed 42 --steps 4 --size 512x768 --guidance 8 --count 2 --fast";
    static final String IMAGINE_EXAMPLE = "/imagine a red fox " + IMAGINE_FLAGS;
    static final String SETTINGS_EXAMPLE = "/settings steps 2 size 384x384 guidance 7 count 1 decoder fast"
            + " prompt-syntax plain (or /settings reset); group admins: /settings group steps 4 size 512 count 2"
            + " prompt 300 topics here|all";

    private static final Pattern FIRST_FLAG = Pattern.compile("(?:^|\\s)(?:--|—|–)\\p{L}");
    /** Decoders named alone, without "decoder": {@code --fast}, {@code --full}. */
    private static final Set<String> DECODER_WORDS = Set.of("fast", "full");
    private static final List<String> GROUP_KEYS = List.of("steps", "size", "side", "count", "prompt", "topics",
            "topic");
    /** What each group limit takes, in the words of a refusal. */
    private static final Map<String, String> GROUP_KINDS = Map.of(
            "steps", ImagineOptions.kindOf(ImagineOptions.STEPS),
            "size", "a side in pixels, a multiple of 8 from " + RequestRules.MIN_SIDE + " to " + RequestRules.MAX_SIDE,
            "side", "a side in pixels, a multiple of 8 from " + RequestRules.MIN_SIDE + " to " + RequestRules.MAX_SIDE,
            "count", ImagineOptions.kindOf(ImagineOptions.COUNT),
            "prompt", "a length in characters from 1 to " + Limits.MAX_PROMPT_LENGTH,
            "topics", "here, main, all, or topic numbers such as 7,here",
            "topic", "here, main, all, or topic numbers such as 7,here");

    private CommandParser() {
    }

    sealed interface Parsed {
    }

    record Imagine(Command.Imagine command) implements Parsed {
    }

    record Settings(SettingsChange change) implements Parsed {
        boolean forCommunity() {
            return change instanceof SettingsChange.CommunityLimits;
        }
    }

    record Invalid(String message) implements Parsed {
    }

    /** The prompt and flags of {@code /imagine} (or of a plain message in a private chat), asked by {@code who}. */
    static Parsed imagine(String args, Requester who) {
        String text = args == null ? "" : args.strip();
        Matcher first = FIRST_FLAG.matcher(text);
        String prompt = text;
        List<String> words = List.of();
        if (first.find()) {
            prompt = text.substring(0, first.start()).strip();
            words = Arrays.stream(text.substring(first.start()).strip().split("\\s+")).map(CommandParser::dashes)
                    .toList();
        }
        ImagineOptions options = new ImagineOptions();
        for (int i = 0; i < words.size(); i++) {
            String flag = words.get(i);
            String name = flag.toLowerCase(Locale.ROOT);
            if (!name.startsWith("--")) {
                return notUnderstood(flag, IMAGINE_EXAMPLE);
            }
            Invalid wrong = option(options, ImagineOptions.NAMES, flag, name.substring(2), words, i, IMAGINE_EXAMPLE);
            if (wrong != null) {
                return wrong;
            }
            if (!DECODER_WORDS.contains(name.substring(2))) {
                i++;
            }
        }
        return new Imagine(options.imagine(who, prompt));
    }

    /**
     * Reads option {@code name} (written as {@code word}) and its value, the next word, into {@code options}; a
     * decoder may be named alone. Returns what was not understood, or null.
     */
    private static Invalid option(ImagineOptions options, List<String> allowed, String word, String name,
                                  List<String> words, int at, String example) {
        if (DECODER_WORDS.contains(name)) {
            options.read(ImagineOptions.DECODER, name);
            return null;
        }
        String option = ImagineOptions.canonicalName(name);
        if (!allowed.contains(option)) {
            return notUnderstood(word, example);
        }
        if (at + 1 >= words.size() || words.get(at + 1).startsWith("--")) {
            return new Invalid("I didn't understand `" + word + "`: it needs a value. Use: " + example);
        }
        String value = words.get(at + 1);
        try {
            options.read(option, value);
            return null;
        } catch (ImagineOptions.Unreadable e) {
            return new Invalid("I didn't understand `" + word + " " + value + "`: " + e.getMessage() + ". Use: "
                    + example);
        }
    }

    /**
     * The words after {@code /settings}: nothing (show), {@code reset}, the user's defaults, or {@code group …}
     * for the group's limits ({@code topics here} means the topic the command was sent in: {@code here}).
     */
    static Parsed settings(String args, String here) {
        List<String> words = new ArrayList<>(Arrays.stream((args == null ? "" : args).strip().split("[\\s=]+"))
                .filter(w -> !w.isEmpty()).map(w -> dashes(w).replaceFirst("^--", "")).toList());
        if (words.isEmpty()) {
            return new Settings(new SettingsChange.Show());
        }
        String first = words.get(0).toLowerCase(Locale.ROOT);
        if (first.equals("reset") && words.size() == 1) {
            return new Settings(new SettingsChange.ResetUserDefaults());
        }
        if (first.equals("group") || first.equals("limits")) {
            return groupLimits(words.subList(1, words.size()), here);
        }
        ImagineOptions options = new ImagineOptions();
        for (int i = 0; i < words.size(); i++) {
            String key = words.get(i).toLowerCase(Locale.ROOT);
            Invalid wrong = option(options, ImagineOptions.DEFAULT_NAMES, words.get(i), key, words, i,
                    SETTINGS_EXAMPLE);
            if (wrong != null) {
                return wrong;
            }
            if (!DECODER_WORDS.contains(key)) {
                i++;
            }
        }
        return new Settings(options.userDefaults());
    }

    private static Parsed groupLimits(List<String> words, String here) {
        if (words.isEmpty()) {
            return new Invalid("Say which group limits to set. Use: " + SETTINGS_EXAMPLE);
        }
        Integer steps = null;
        Integer side = null;
        Integer count = null;
        Integer prompt = null;
        Set<String> topics = null;
        for (int i = 0; i < words.size(); i += 2) {
            String key = words.get(i).toLowerCase(Locale.ROOT).replaceFirst("^max-?", "");
            if (!GROUP_KEYS.contains(key)) {
                return notUnderstood(words.get(i), SETTINGS_EXAMPLE);
            }
            if (i + 1 >= words.size()) {
                return new Invalid("I didn't understand `" + words.get(i) + "`: it needs a value. Use: "
                        + SETTINGS_EXAMPLE);
            }
            String value = words.get(i + 1);
            try {
                switch (key) {
                    case "steps" -> steps = Integer.parseInt(value);
                    case "size", "side" -> side = value.matches("\\d+") ? Integer.parseInt(value)
                            : Math.max(ImageSize.parse(value).width(), ImageSize.parse(value).height());
                    case "count" -> count = Integer.parseInt(value);
                    case "prompt" -> prompt = Integer.parseInt(value);
                    default -> topics = topics(value, here);
                }
            } catch (IllegalArgumentException e) {
                return new Invalid("I didn't understand `" + words.get(i) + " " + value + "`: " + key + " must be "
                        + GROUP_KINDS.get(key) + ". Use: " + SETTINGS_EXAMPLE);
            }
        }
        return new Settings(new SettingsChange.CommunityLimits(steps, side, count, prompt, topics));
    }

    private static Set<String> topics(String value, String here) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("all")) {
            return Set.of();
        }
        Set<String> topics = new LinkedHashSet<>();
        for (String part : lower.split(",")) {
            if (part.equals("here")) {
                topics.add(here);
            } else if (part.equals("main") || part.matches("\\d+")) {
                topics.add(part.equals("main") ? Requests.MAIN_TOPIC : Requests.topicKey(Integer.parseInt(part)));
            } else {
                throw new IllegalArgumentException(value);
            }
        }
        return topics;
    }

    private static Invalid notUnderstood(String what, String example) {
        return new Invalid("I didn't understand `" + what + "`. Use: " + example);
    }

    private static String dashes(String token) {
        if (token.startsWith("—") || token.startsWith("–")) {
            return "--" + token.substring(1);
        }
        return token;
    }
}
