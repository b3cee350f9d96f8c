package dev.imagine.bot.telegram;

import dev.imagine.bot.command.Decoder;
import dev.imagine.bot.command.ImageSize;
import dev.imagine.bot.command.SettingsChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text after {@code /imagine} and {@code /settings}. Flags follow the prompt; phones turn {@code --}
 * into a dash (— or –), which is read as {@code --} too. Anything not understood comes back as a message that
 * quotes it and shows the right syntax.
 */
final class CommandParser {
    static final String IMAGINE_EXAMPLE =
            "/imagine a red fox --seed 42 --steps 4 --size 512x768 --guidance 8 --count 2 --fast";
    static final String SETTINGS_EXAMPLE = "/settings steps 2 size 384x384 guidance 7 count 1 decoder fast"
            + " (or /settings reset); group admins: /settings group steps 4 size 512 count 2 prompt 300"
            + " topics here|all";

    private static final Pattern FIRST_FLAG = Pattern.compile("(?:^|\\s)(?:--|—|–)\\p{L}");

    private CommandParser() {
    }

    sealed interface Parsed {
    }

    record Imagine(String prompt, Long seed, Integer steps, ImageSize size, Float guidance, Integer count,
                   Decoder decoder) implements Parsed {
    }

    record Settings(SettingsChange change) implements Parsed {
        boolean forCommunity() {
            return change instanceof SettingsChange.CommunityLimits;
        }
    }

    record Invalid(String message) implements Parsed {
    }

    /** The prompt and flags of {@code /imagine} (or of a plain message in a private chat). */
    static Parsed imagine(String args) {
        String text = args == null ? "" : args.strip();
        Matcher first = FIRST_FLAG.matcher(text);
        String prompt = text;
        List<String> tokens = List.of();
        if (first.find()) {
            prompt = text.substring(0, first.start()).strip();
            tokens = Arrays.stream(text.substring(first.start()).strip().split("\\s+"))
                    .map(CommandParser::dashes).toList();
        }
        Long seed = null;
        Integer steps = null;
        Integer count = null;
        ImageSize size = null;
        Float guidance = null;
        Decoder decoder = null;
        for (int i = 0; i < tokens.size(); i++) {
            String flag = tokens.get(i);
            String name = flag.toLowerCase(Locale.ROOT);
            if (name.equals("--fast") || name.equals("--full")) {
                decoder = Decoder.parse(name.substring(2));
                continue;
            }
            if (!name.startsWith("--")) {
                return notUnderstood(flag, IMAGINE_EXAMPLE);
            }
            if (!List.of("--seed", "--steps", "--size", "--guidance", "--count", "--decoder").contains(name)) {
                return notUnderstood(flag, IMAGINE_EXAMPLE);
            }
            if (i + 1 >= tokens.size() || tokens.get(i + 1).startsWith("--")) {
                return new Invalid("I didn't understand `" + flag + "`: it needs a value. Use: " + IMAGINE_EXAMPLE);
            }
            String value = tokens.get(++i);
            try {
                switch (name) {
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--steps" -> steps = Integer.parseInt(value);
                    case "--size" -> size = ImageSize.parse(value);
                    case "--guidance" -> guidance = parseFloat(value);
                    case "--count" -> count = Integer.parseInt(value);
                    default -> decoder = Decoder.parse(value);
                }
            } catch (IllegalArgumentException e) {
                return notUnderstood(flag + " " + value, IMAGINE_EXAMPLE);
            }
        }
        return new Imagine(prompt, seed, steps, size, guidance, count, decoder);
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
        Integer steps = null;
        Integer count = null;
        ImageSize size = null;
        Float guidance = null;
        Decoder decoder = null;
        for (int i = 0; i < words.size(); i++) {
            String key = words.get(i).toLowerCase(Locale.ROOT);
            if (key.equals("fast") || key.equals("full")) {
                decoder = Decoder.parse(key);
                continue;
            }
            if (!List.of("steps", "size", "guidance", "count", "decoder").contains(key)) {
                return notUnderstood(words.get(i), SETTINGS_EXAMPLE);
            }
            if (i + 1 >= words.size()) {
                return new Invalid("I didn't understand `" + words.get(i) + "`: it needs a value. Use: "
                        + SETTINGS_EXAMPLE);
            }
            String value = words.get(++i);
            try {
                switch (key) {
                    case "steps" -> steps = Integer.parseInt(value);
                    case "size" -> size = ImageSize.parse(value);
                    case "guidance" -> guidance = parseFloat(value);
                    case "count" -> count = Integer.parseInt(value);
                    default -> decoder = Decoder.parse(value);
                }
            } catch (IllegalArgumentException e) {
                return notUnderstood(words.get(i - 1) + " " + value, SETTINGS_EXAMPLE);
            }
        }
        return new Settings(new SettingsChange.UserDefaults(steps, size, guidance, count, decoder));
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
        for (int i = 0; i < words.size(); i++) {
            String key = words.get(i).toLowerCase(Locale.ROOT).replaceFirst("^max-?", "");
            if (!List.of("steps", "size", "side", "count", "prompt", "topics", "topic").contains(key)) {
                return notUnderstood(words.get(i), SETTINGS_EXAMPLE);
            }
            if (i + 1 >= words.size()) {
                return new Invalid("I didn't understand `" + words.get(i) + "`: it needs a value. Use: "
                        + SETTINGS_EXAMPLE);
            }
            String value = words.get(++i);
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
                return notUnderstood(words.get(i - 1) + " " + value, SETTINGS_EXAMPLE);
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
                topics.add(part.equals("main") ? TelegramBot.MAIN_TOPIC : TelegramBot.topicKey(Integer.parseInt(part)));
            } else {
                throw new IllegalArgumentException(value);
            }
        }
        return topics;
    }

    private static float parseFloat(String value) {
        float f = Float.parseFloat(value);
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException(value);
        }
        return f;
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
