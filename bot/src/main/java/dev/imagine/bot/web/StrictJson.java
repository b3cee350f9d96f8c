package dev.imagine.bot.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's one JSON mapper: request bodies are bound to records and parsed strictly (RFC 8259 only: no comments,
 * single quotes, unquoted names, leading zeros or plus signs, no byte order mark, no duplicate or unknown fields,
 * nothing after the value, no number given as text or text as a number), and every mistake is told in our own words
 * with the line and column, or the field it concerns.
 */
final class StrictJson {
    private static final ObjectMapper MAPPER = mapper();
    private static final int SHOWN = 40;

    private StrictJson() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = JsonMapper.builder()
                // Lenient JsonReadFeatures (comments, quotes, leading zeros, NaN...) are all off by default.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Trailing tokens are checked by read() itself, to say so in its own words.
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
        // A number where text belongs is a mistake too, not text.
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        return mapper;
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Binds a body that must be one JSON object to {@code type}.
     *
     * @param fields each field of {@code type} and what it must be ("a whole number from 1 to 8"), for the messages
     * @param example a short valid body, shown when the body is no object at all
     * @throws Request.Failure 400 naming the field, or the line and column, and what to write instead
     */
    static <T> T read(byte[] body, Class<T> type, Map<String, String> fields, String example) {
        if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
            throw new Request.Failure(400, "the body starts with a byte order mark (EF BB BF); send UTF-8 JSON"
                    + " without one");
        }
        try (JsonParser parser = MAPPER.createParser(body)) {
            JsonToken first;
            try {
                first = parser.nextToken();
            } catch (StreamReadException e) {
                throw syntax(e);
            }
            if (first == null) {
                throw new Request.Failure(400, "the body is empty; send a JSON object such as " + example);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new Request.Failure(400, "the body must be a JSON object such as " + example);
            }
            T value;
            try {
                value = MAPPER.readValue(parser, type);
            } catch (UnrecognizedPropertyException e) {
                throw new Request.Failure(400, "unknown field " + shorten(e.getPropertyName()) + "; the fields are "
                        + String.join(", ", new TreeSet<>(fields.keySet())));
            } catch (MismatchedInputException e) {
                String field = e.getPath().isEmpty() ? null : e.getPath().getFirst().getFieldName();
                throw wrongValue(field == null ? "the body" : field, fields, parser);
            } catch (JsonMappingException e) {
                // Such as a number too large for its field (wrapped by the mapper).
                String field = e.getPath().isEmpty() ? parser.currentName() : e.getPath().getFirst().getFieldName();
                throw wrongValue(field == null ? "a value" : field, fields, parser);
            } catch (InputCoercionException e) {
                String field = parser.currentName();
                throw wrongValue(field == null ? "a value" : field, fields, parser);
            } catch (StreamReadException e) {
                throw syntax(e);
            }
            JsonToken after;
            try {
                after = parser.nextToken();
            } catch (StreamReadException e) {
                throw trailing(e);
            }
            if (after != null) {
                throw trailing(parser);
            }
            return value;
        } catch (IOException e) {
            // Such as bytes that are no text in any encoding JSON allows (leading zero bytes read as UTF-32).
            throw new Request.Failure(400, "the body could not be read as JSON text; send a UTF-8 JSON object such as "
                    + example);
        }
    }

    private static Request.Failure wrongValue(String field, Map<String, String> fields, JsonParser parser) {
        String what = fields.getOrDefault(field, "something else");
        return new Request.Failure(400, field + " must be " + what + ", got " + shown(parser));
    }

    private static Request.Failure trailing(JsonProcessingException e) {
        return new Request.Failure(400, "the body has more after its JSON object" + at(e)
                + "; send one object and nothing else");
    }

    private static Request.Failure trailing(JsonParser parser) {
        var location = parser.currentTokenLocation();
        return new Request.Failure(400, "the body has more after its JSON object at line " + location.getLineNr()
                + ", column " + location.getColumnNr() + "; send one object and nothing else");
    }

    /** The offending token as the person wrote it, shortened. */
    private static String shown(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == null) {
            return "nothing";
        }
        try {
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "a list";
                case VALUE_STRING -> "\"" + shorten(parser.getText()) + "\"";
                default -> shorten(parser.getText());
            };
        } catch (IOException e) {
            return "something else";
        }
    }

    /** A syntax error, in words that say what to write instead. */
    private static Request.Failure syntax(StreamReadException e) {
        String jackson = String.valueOf(e.getOriginalMessage());
        String what;
        if (e instanceof JsonEOFException || jackson.contains("end-of-input")) {
            what = "it ends too early; a closing }, ] or \" is missing";
        } else if (jackson.startsWith("Duplicate field")) {
            Matcher name = DUPLICATE.matcher(jackson);
            what = (name.find() ? "field " + shorten(name.group(1)) : "a field") + " appears twice; give each field once";
        } else if (jackson.contains("Leading zero")) {
            what = "a number starts with 0; write 1, not 01";
        } else if (jackson.contains("(''' (code 39))")) {
            what = "text and field names must be in double quotes, not single quotes";
        } else if (jackson.contains("'+' (code 43)")) {
            what = "a number starts with +; write 1, not +1";
        } else if (jackson.contains("comment") || jackson.contains("'/' (code 47)") || jackson.contains("'#' (code 35)")) {
            what = "comments are not allowed in JSON";
        } else if (jackson.contains("to start field name")) {
            what = "field names must be in double quotes, such as {\"prompt\": \"...\"}";
        } else if (jackson.contains("CTRL-CHAR")) {
            what = "text contains a raw control character; write \\n for a new line";
        } else if (jackson.contains("UTF-8") || jackson.contains("UTF8")) {
            what = "it is not valid UTF-8";
        } else if (jackson.contains("Non-standard token")) {
            what = "numbers must be finite decimal numbers (no NaN or Infinity)";
        } else {
            what = "unexpected " + describe(jackson);
        }
        return new Request.Failure(400, "the body is not valid JSON" + at(e) + ": " + what);
    }

    private static final Pattern CHARACTER = Pattern.compile("character \\(.*?\\(code (\\d+)\\)\\)");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
    private static final Pattern WORD = Pattern.compile("token '([^']*)'");

    /** The character or word the parser stopped at, read from its report. */
    private static String describe(String jackson) {
        Matcher character = CHARACTER.matcher(jackson);
        if (character.find()) {
            int code = Integer.parseInt(character.group(1));
            return "character " + (Character.isISOControl(code) ? String.format("U+%04X", code)
                    : "'" + Character.toString(code) + "'");
        }
        Matcher word = WORD.matcher(jackson);
        if (word.find()) {
            return "word '" + shorten(word.group(1)) + "'";
        }
        return "character";
    }

    private static String at(JsonProcessingException e) {
        if (e.getLocation() == null || e.getLocation().getLineNr() < 1) {
            return "";
        }
        return " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static String shorten(String text) {
        String visible = text.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return visible.length() <= SHOWN ? visible : visible.substring(0, SHOWN) + "…";
    }
}
