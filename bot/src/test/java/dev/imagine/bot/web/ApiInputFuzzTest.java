package dev.imagine.bot.web;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.command.Command;
import dev.imagine.bot.command.ImagineOptions;
import dev.imagine.bot.command.RequestValidator;
import dev.imagine.bot.command.Requester;
import dev.imagine.bot.command.User;
import dev.imagine.bot.testing.FrontDoor;
import dev.imagine.testing.Generated;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JSON API's outside input, generated: {@value FrontDoor#TRIES} bodies of {@code POST /api/jobs} per property
 * (objects with known and unknown fields and values of every JSON type, lenient or broken JSON, damaged bytes) and
 * {@value FrontDoor#TRIES} query strings. Nothing escapes but a 400 in our own words, which names the field (or the
 * line and column) and, for an option, the range it allows; a valid body reads back as the record it was written from.
 */
class ApiInputFuzzTest {
    private static final Requester ALICE = Requester.direct(new User("web", "alice", null));
    private static final List<String> FIELDS = List.copyOf(Submission.FIELDS.keySet());
    private static final Pattern NAMED = Pattern.compile("(?s)(\\w+) must be (.*), got .*");

    /** {@code text} as a JSON string; halves of surrogate pairs escaped (a writer would refuse them). */
    static String jsonString(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    /** Any JSON value, sometimes not quite JSON. */
    private static String value(Generated g, String field, int depth) {
        return g.weighted(
                Generated.choice(4, () -> ImagineOptions.NAMES.contains(field)
                        ? (g.chance(0.5) ? FrontDoor.optionText(g, field) : jsonString(FrontDoor.optionText(g, field)))
                        : jsonString(FrontDoor.prompt(g))),
                Generated.choice(2, () -> jsonString(g.anyString(20))),
                Generated.choice(2, () -> Long.toString(g.longBetween(Long.MIN_VALUE, Long.MAX_VALUE))),
                Generated.choice(1, () -> g.oneOf("true", "false", "null", "1.5", "-0", "1e400", "1E-400",
                        "99999999999999999999999", "0.0000001", "[]", "{}", "\"\"", "NaN", "01", "+1", "'a'",
                        "\"\\ud800\"", "\"\\u0000\"", "\"a\u0001b\"")),
                Generated.choice(depth > 0 ? 1 : 0, () -> "[" + String.join(",", g.list(0, 3,
                        () -> value(g, field, depth - 1))) + "]"),
                Generated.choice(depth > 0 ? 1 : 0, () -> object(g, depth - 1)));
    }

    private static String object(Generated g, int depth) {
        List<String> members = new ArrayList<>();
        for (String field : g.list(0, 8, () -> g.weighted(
                Generated.choice(8, () -> g.oneOf(FIELDS.toArray(String[]::new))),
                Generated.choice(1, () -> g.oneOf("Prompt", "stepz", "", "__proto__", "prompt ")),
                Generated.choice(1, () -> g.anyString(6))))) {
            members.add(jsonString(field) + g.oneOf(":", " : ", ":\n") + value(g, field, depth));
        }
        return "{" + String.join(g.oneOf(",", ", ", ",\n"), members) + "}";
    }

    private static byte[] body(Generated g) {
        return g.weighted(
                Generated.choice(6, () -> object(g, 2).getBytes(StandardCharsets.UTF_8)),
                Generated.choice(2, () -> g.mutated(object(g, 1).getBytes(StandardCharsets.UTF_8))),
                Generated.choice(1, () -> g.anyString(40).getBytes(StandardCharsets.UTF_8)),
                Generated.choice(1, () -> g.bytes(40)));
    }

    private record Body(byte[] bytes) {
        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Test
    void anyBody_isACommand_orA400ThatNamesTheFieldOrThePlace_andTheRange() {
        forAll("api body", FrontDoor.TRIES, g -> new Body(body(g)), body -> {
            Command.Imagine command;
            try {
                command = StrictJson.read(body.bytes(), Submission.class, Submission.FIELDS, Submission.EXAMPLE)
                        .command(ALICE);
            } catch (Request.Failure failure) {
                assertThat(failure.status).isEqualTo(400);
                assertThat(failure.getMessage()).isNotBlank();
                var named = NAMED.matcher(failure.getMessage());
                if (named.matches() && Submission.FIELDS.containsKey(named.group(1))) {
                    String field = named.group(1);
                    assertThat(failure.getMessage()).startsWith(field + " must be ");
                    if (!List.of("prompt", "size", "decoder", "promptSyntax", "strength", "sourceJob", "sourceImage",
                            "precision").contains(field)) {
                        assertThat(named.group(2)).as("the range of %s", field).containsPattern("from -?\\d+(\\.\\d+)? to");
                    }
                }
                return;
            }
            if (FrontDoor.validate(command) instanceof RequestValidator.Refused refused) {
                FrontDoor.assertNamesFieldsAndRanges(refused.message());
            }
        });
    }

    private static Submission validSubmission(Generated g) {
        boolean bySides = g.chance(0.3);
        return new Submission(FrontDoor.prompt(g).replaceAll("\\p{Cs}", "?"),
                g.chance(0.5) ? Long.parseLong(FrontDoor.validText(g, ImagineOptions.SEED)) : null,
                g.chance(0.5) ? Integer.parseInt(FrontDoor.validText(g, ImagineOptions.STEPS)) : null,
                !bySides && g.chance(0.5) ? FrontDoor.side(g) + "x" + FrontDoor.side(g) : null,
                bySides ? FrontDoor.side(g) : null,
                bySides ? FrontDoor.side(g) : null,
                g.chance(0.5) ? Float.parseFloat(FrontDoor.validText(g, ImagineOptions.GUIDANCE)) : null,
                g.chance(0.5) ? Integer.parseInt(FrontDoor.validText(g, ImagineOptions.COUNT)) : null,
                g.chance(0.5) ? g.oneOf("full", "fast") : null,
                g.chance(0.5) ? g.oneOf("a1111", "plain") : null, null, null, null,
                g.chance(0.3) ? g.oneOf("fp32", "int8") : null);
    }

    @Test
    void aValidBody_readsBackAsWritten_andAsksForWhatItSays() {
        forAll("api valid body", FrontDoor.TRIES, ApiInputFuzzTest::validSubmission, submission -> {
            Submission read = StrictJson.read(StrictJson.write(submission), Submission.class, Submission.FIELDS,
                    Submission.EXAMPLE);

            assertThat(read).isEqualTo(submission);
            Command.Imagine command = read.command(ALICE);
            assertThat(command.prompt()).isEqualTo(submission.prompt());
            assertThat(command.seed()).isEqualTo(submission.seed());
            assertThat(command.steps()).isEqualTo(submission.steps());
            assertThat(command.guidance()).isEqualTo(submission.guidance());
            assertThat(command.count()).isEqualTo(submission.count());
            if (submission.width() != null) {
                assertThat(command.size().width()).isEqualTo(submission.width());
                assertThat(command.size().height()).isEqualTo(submission.height());
            } else if (submission.size() != null) {
                assertThat(FrontDoor.text(command.size())).isEqualTo(submission.size());
            }
        });
    }

    /** A request whose only readable part is its query string, as the servlet container hands it over. */
    private static Request withQuery(String query) {
        HttpServletRequest http = (HttpServletRequest) Proxy.newProxyInstance(ApiInputFuzzTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getQueryString" -> query;
                    case "toString" -> "request ?" + query;
                    default -> throw new UnsupportedOperationException("the parser called " + method.getName());
                });
        return new Request(http, null, Map.of(), null);
    }

    private static String query(Generated g) {
        List<String> pairs = g.list(0, 4, () -> g.weighted(
                Generated.choice(4, () -> "limit=" + g.weighted(
                        Generated.choice(3, () -> Integer.toString(g.intBetween(-5, 120))),
                        Generated.choice(1, () -> g.oneOf("", "%", "%2", "%zz", "%31%30", "+5", "5%20", "1e2",
                                "0x10", "２", "50&", "99999999999", "%E2%82%AC", "%C0%AF")),
                        Generated.choice(1, () -> g.printable(8, "&")))),
                Generated.choice(1, () -> g.oneOf("limit", "limit=", "LIMIT=5", "other=1", "=5", "")),
                Generated.choice(1, () -> g.anyString(10))));
        return g.chance(0.05) ? null : String.join("&", pairs);
    }

    @Test
    void anyQueryString_givesTheHistoryLimit_orA400ThatNamesItAndItsRange() {
        forAll("api query string", FrontDoor.TRIES, ApiInputFuzzTest::query, query -> {
            int limit;
            try {
                limit = JobRoutes.historyLimit(withQuery(query).query("limit"));
            } catch (Request.Failure failure) {
                assertThat(failure.status).isEqualTo(400);
                assertThat(failure.getMessage()).satisfiesAnyOf(
                        m -> assertThat(m).startsWith("limit '").endsWith("must be a whole number from 1 to 100"),
                        m -> assertThat(m).startsWith("the query parameter limit is not well-formed"));
                return;
            }
            assertThat(limit).isBetween(1, 100);
        });
    }
}
