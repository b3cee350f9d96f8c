package dev.imagine.bot.web;

import static dev.imagine.bot.web.ApiInputFuzzTest.jsonString;
import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ModerationAction;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The body of {@code POST /api/moderation}, generated: {@value FrontDoor#TRIES} bodies per property (objects with known
 * and unknown fields, actions known, misspelt and in any case, values of every JSON type, lists holding nulls and
 * numbers, broken JSON, damaged bytes). Nothing escapes but a 400 in our own words, which names the field and what it
 * takes (the choices of {@code action} and {@code policy}), or the place in the body; a valid body reads back as the
 * record it was written from and asks for the action it names.
 */
class ModerationApiFuzzTest {
    private static final List<String> FIELDS = List.copyOf(ModerationRoutes.Body.FIELDS.keySet());
    private static final List<String> ACTIONS = List.of("show", "ban", "unban", "pause", "resume", "policy", "block",
            "unblock", "rate");
    private static final Pattern NAMED = Pattern.compile("(?s)(\\w+) must be (.*), got .*");

    private static String action(Generated g) {
        return g.weighted(
                Generated.choice(6, () -> g.oneOf(ACTIONS.toArray(String[]::new))),
                Generated.choice(1, () -> g.oneOf("BAN", " Pause ", "Rate\n", "delete", "kick", "mute", "rates", "",
                        "\u0130", "bAn")),
                Generated.choice(1, () -> g.string(1, 8, "abcdefghijklmnopqrstuvwxyz")),
                Generated.choice(1, () -> g.anyString(12)));
    }

    private static String community(Generated g) {
        return g.weighted(
                Generated.choice(4, () -> g.oneOf("discord:", "telegram:") + g.longBetween(-1_000_000_000_000L,
                        Long.MAX_VALUE)),
                Generated.choice(2, () -> g.oneOf("*", " * ", "", " ", "discord", ":", "web:alice")),
                Generated.choice(1, () -> g.anyString(24)));
    }

    /** Any JSON value for {@code field}, sometimes not quite JSON. */
    private static String value(Generated g, String field, int depth) {
        return g.weighted(
                Generated.choice(5, () -> switch (field) {
                    case "action" -> jsonString(action(g));
                    case "community" -> jsonString(community(g));
                    case "user" -> jsonString(g.oneOf("discord:", "telegram:", "", "web:") + g.longBetween(-5,
                            Long.MAX_VALUE));
                    case "policy" -> jsonString(g.oneOf("allow", "spoiler", "blur", "refuse", "SPOILER", "nude", "",
                            "off"));
                    case "words" -> "[" + String.join(",", g.list(0, 6, () -> g.weighted(
                            Generated.choice(6, () -> jsonString(g.string(0, 12, "abcdefghijklmnopqrstuvwxyz*éß ,"))),
                            Generated.choice(1, () -> g.oneOf("null", "1", "true", "[]", "{}", "\"\"")),
                            Generated.choice(1, () -> jsonString(g.anyString(16)))))) + "]";
                    case "pictures" -> g.oneOf(Long.toString(g.longBetween(-10, 200_000)), "null", "1.5", "1e3",
                            "\"5\"", "99999999999", "-2147483649", "2147483647", "0");
                    default -> jsonString(FrontDoor.prompt(g));
                }),
                Generated.choice(2, () -> jsonString(g.anyString(20))),
                Generated.choice(1, () -> Long.toString(g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE))),
                Generated.choice(1, () -> g.oneOf("true", "false", "null", "1.5", "-0", "1e400", "[]", "{}", "\"\"",
                        "NaN", "01", "+1", "'a'", "\"\\ud800\"", "\"\\u0000\"", "[null]", "[1,2]")),
                Generated.choice(depth > 0 ? 1 : 0, () -> "[" + String.join(",", g.list(0, 3,
                        () -> value(g, field, depth - 1))) + "]"),
                Generated.choice(depth > 0 ? 1 : 0, () -> object(g, depth - 1)));
    }

    private static String object(Generated g, int depth) {
        List<String> members = new ArrayList<>();
        if (g.chance(0.8)) {
            members.add("\"community\": " + value(g, "community", depth));
        }
        if (g.chance(0.8)) {
            members.add("\"action\": " + value(g, "action", depth));
        }
        for (String field : g.list(0, 5, () -> g.weighted(
                Generated.choice(8, () -> g.oneOf(FIELDS.toArray(String[]::new))),
                Generated.choice(1, () -> g.oneOf("Action", "word", "", "__proto__", "user ", "prompt")),
                Generated.choice(1, () -> g.anyString(6))))) {
            members.add(jsonString(field) + g.oneOf(":", " : ", ":\n") + value(g, field, depth));
        }
        return "{" + String.join(g.oneOf(",", ", ", ",\n"), members) + "}";
    }

    private static byte[] body(Generated g) {
        return g.weighted(
                Generated.choice(6, () -> object(g, 1).getBytes(StandardCharsets.UTF_8)),
                Generated.choice(2, () -> g.mutated(object(g, 1).getBytes(StandardCharsets.UTF_8))),
                Generated.choice(1, () -> g.anyString(40).getBytes(StandardCharsets.UTF_8)),
                Generated.choice(1, () -> g.bytes(40)));
    }

    private record Bytes(byte[] bytes) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** What {@code act} does with a body it has read: a deletion goes to the job's owner, the rest is a command. */
    private static Command.Moderate read(byte[] bytes) {
        ModerationRoutes.Body body = StrictJson.read(bytes, ModerationRoutes.Body.class, ModerationRoutes.Body.FIELDS,
                ModerationRoutes.Body.EXAMPLE);
        if (body.action() != null && body.action().strip().equalsIgnoreCase("delete")) {
            return null;
        }
        return ModerationRoutes.command(body);
    }

    @Test
    void anyBody_isACommand_orA400ThatNamesTheFieldAndWhatItTakes_orThePlace() {
        forAll("api moderation body", FrontDoor.TRIES, g -> new Bytes(body(g)), body -> {
            Command.Moderate command;
            try {
                command = read(body.bytes());
            } catch (Request.Failure failure) {
                assertThat(failure.status).isEqualTo(400);
                String message = failure.getMessage();
                var named = NAMED.matcher(message);
                if (named.matches() && ModerationRoutes.Body.FIELDS.containsKey(named.group(1))) {
                    assertThat(named.group(2)).as("what %s takes", named.group(1))
                            .isEqualTo(ModerationRoutes.Body.FIELDS.get(named.group(1)));
                } else {
                    assertThat(message).matches("(?s)(community is missing: .*\"\\*\" for every community"
                            + "|action is missing: one of show, .*, delete"
                            + "|action '.*' is not one of show, ban, unban, pause, resume, policy, block, unblock,"
                            + " rate, delete"
                            + "|unknown field .*; the fields are action, community, job, pictures, policy, user, words"
                            + "|the body (is empty|must be a JSON object|is not valid JSON|has more after|starts with"
                            + " a byte order mark).*"
                            + "|(the body|a value) must be .*"
                            // StrictJson's answer when Jackson takes leading zero bytes for UTF-32 and cannot decode.
                            + "|the body could not be read as JSON text; send a UTF-8 JSON object such as .*)");
                }
                return;
            }
            if (command == null) {
                return;
            }
            assertThat(command.requester()).isEqualTo(Requester.operator());
            assertThat(command.community()).isNotBlank().isEqualTo(command.community().strip());
            if (command.action() instanceof ModerationAction.Block block) {
                assertThat(block.words()).doesNotContainNull();
            }
            if (command.action() instanceof ModerationAction.Unblock unblock) {
                assertThat(unblock.words()).doesNotContainNull();
            }
        });
    }

    private static ModerationRoutes.Body validBody(Generated g) {
        String action = g.oneOf(ACTIONS.toArray(String[]::new));
        String written = g.chance(0.7) ? action : g.oneOf(" ", "", "\n") + (g.chance(0.5)
                ? action.toUpperCase(Locale.ROOT) : action) + g.oneOf(" ", "", "\t");
        return new ModerationRoutes.Body(g.chance(0.3) ? "*" : g.oneOf("discord:", "telegram:") + g.longBetween(
                        -1_000_000_000_000L, Long.MAX_VALUE), written,
                g.chance(0.5) ? g.oneOf("discord:", "telegram:") + g.longBetween(1, Long.MAX_VALUE) : null,
                g.chance(0.5) ? g.oneOf("allow", "spoiler", "blur", "refuse") : null,
                g.chance(0.5) ? g.list(0, 6, () -> FrontDoor.prompt(g).replaceAll("\\p{Cs}", "?")) : null,
                g.chance(0.5) ? g.intBetween(1, 100_000) : null,
                null);
    }

    private static ModerationAction expected(ModerationRoutes.Body body) {
        List<String> words = body.words() == null ? List.of() : body.words();
        return switch (body.action().strip().toLowerCase(Locale.ROOT)) {
            case "show" -> new ModerationAction.Show();
            case "ban" -> new ModerationAction.Ban(body.user());
            case "unban" -> new ModerationAction.Unban(body.user());
            case "pause" -> new ModerationAction.Pause();
            case "resume" -> new ModerationAction.Resume();
            case "policy" -> new ModerationAction.Policy(body.policy());
            case "block" -> new ModerationAction.Block(words);
            case "unblock" -> new ModerationAction.Unblock(words);
            case "rate" -> new ModerationAction.Rate(body.pictures());
            default -> throw new AssertionError(body.action());
        };
    }

    @Test
    void aValidBody_readsBackAsWritten_andAsksForTheActionItNames() {
        forAll("api moderation valid body", FrontDoor.TRIES, ModerationApiFuzzTest::validBody, body -> {
            ModerationRoutes.Body read = StrictJson.read(StrictJson.write(body), ModerationRoutes.Body.class,
                    ModerationRoutes.Body.FIELDS, ModerationRoutes.Body.EXAMPLE);

            assertThat(read).isEqualTo(body);
            Command.Moderate command = ModerationRoutes.command(read);
            assertThat(command).isEqualTo(new Command.Moderate(Requester.operator(), body.community(),
                    expected(body)));
        });
    }
}
