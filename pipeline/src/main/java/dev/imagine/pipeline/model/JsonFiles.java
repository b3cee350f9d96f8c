package dev.imagine.pipeline.model;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.imagine.pipeline.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pipeline's one JSON mapper: files are bound to records and parsed strictly (RFC 8259 only: no comments, single
 * quotes or NaN, no duplicate keys, nothing after the value, no number given as text or text as a number, no
 * fraction where a whole number belongs). Keys a record does not name are ignored, because model folders and hub
 * answers carry many keys the pipeline has no use for. A mistake is told in words that name the file and the key.
 */
public final class JsonFiles {
    private static final ObjectMapper MAPPER = strictMapper();

    private JsonFiles() {
    }

    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer,
                CoercionInputShape.Float, CoercionInputShape.Boolean}) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        return mapper;
    }

    /**
     * Reads {@code file} as {@code type}.
     *
     * @throws PipelineException naming the file, and the key and value when a value has the wrong type
     */
    public static <T> T read(Path file, Class<T> type) {
        return parse(bytesOf(file), MAPPER.constructType(type), file.toString());
    }

    /** Reads {@code file} as a generic type such as {@code Map<String, Integer>}. */
    public static <T> T read(Path file, TypeReference<T> type) {
        return parse(bytesOf(file), MAPPER.getTypeFactory().constructType(type), file.toString());
    }

    /**
     * Reads a JSON object whose values change shape from one file to the next (a size written as a number, a list or
     * an object, as Hugging Face preprocessor configs do) as a map: numbers come back as {@link Number}s, arrays as
     * lists, objects as maps. Where the shape is fixed, bind a record with {@link #read(Path, Class)} instead.
     */
    public static Map<String, Object> readObject(Path file) {
        return read(file, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /** An integer setting of a {@link #readObject} map, or {@code fallback} when the key is absent or null. */
    public static int intValue(Map<String, ?> json, String key, int fallback, Path file) {
        Object value = json.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE) {
            return n.intValue();
        }
        throw new PipelineException(file + ": '" + key + "' must be an integer, got " + value);
    }

    /** A number setting of a {@link #readObject} map, or {@code fallback} when the key is absent or null. */
    public static double doubleValue(Map<String, ?> json, String key, double fallback, Path file) {
        Object value = json.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new PipelineException(file + ": '" + key + "' must be a number, got " + value);
    }

    /**
     * Binds {@code json} to {@code type}; {@code where} names the source in messages (a file, an address).
     *
     * @throws PipelineException when it is not JSON, is empty, or a value has the wrong type
     */
    public static <T> T parse(byte[] json, Class<T> type, String where) {
        return parse(json, MAPPER.constructType(type), where);
    }

    /** Binds a part of a document, kept as a tree to be handed on as it is, to {@code type}. */
    public static <T> T convert(JsonNode json, Class<T> type, String where) {
        return parse(json.toString().getBytes(StandardCharsets.UTF_8), MAPPER.constructType(type), where);
    }

    private static byte[] bytesOf(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("missing file " + file);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new PipelineException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T parse(byte[] json, JavaType type, String where) {
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (MismatchedInputException e) {
            throw new PipelineException(where + ": " + describe(json, e), e);
        } catch (StreamReadException e) {
            throw new PipelineException(where + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        } catch (IOException e) {
            throw new PipelineException(where + " cannot be read as JSON: " + e.getMessage(), e);
        }
        if (value == null) {
            throw new PipelineException(where + " is empty; expected " + expected(type));
        }
        return value;
    }

    /** {@code value} as indented JSON text. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** {@code value} as JSON text on one line, for other libraries to read. */
    public static String writeCompact(Object value) {
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** "'num_train_timesteps' = 1000.5 is not accepted; expected a whole number", from the value as written. */
    private static String describe(byte[] json, MismatchedInputException e) {
        String key = key(e.getPath());
        if (key.isEmpty()) {
            return "expected " + expected(targetOf(e));
        }
        String written;
        try {
            JsonNode value = MAPPER.readTree(json).at(pointer(e.getPath()));
            written = value.isMissingNode() ? "(missing)" : value.toString();
        } catch (IOException | IllegalArgumentException unreadable) {
            written = "(unreadable)";
        }
        return "'" + key + "' = " + shorten(written) + " is not accepted; expected " + expected(targetOf(e));
    }

    private static JavaType targetOf(MismatchedInputException e) {
        return e.getTargetType() == null ? null : MAPPER.constructType(e.getTargetType());
    }

    private static String expected(JavaType type) {
        if (type == null) {
            return "a value of another type";
        }
        Class<?> raw = type.getRawClass();
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return "a whole number";
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return "a number";
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return "true or false";
        }
        if (raw == String.class) {
            return "text";
        }
        if (Collection.class.isAssignableFrom(raw) || raw.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(raw) || raw.isRecord()) {
            return "an object";
        }
        return "a value of type " + raw.getSimpleName();
    }

    private static String key(java.util.List<JsonMappingException.Reference> path) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                key.append(key.isEmpty() ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                key.append('[').append(step.getIndex()).append(']');
            }
        }
        return key.toString();
    }

    private static JsonPointer pointer(java.util.List<JsonMappingException.Reference> path) {
        JsonPointer pointer = JsonPointer.empty();
        for (JsonMappingException.Reference step : path) {
            pointer = step.getFieldName() != null ? pointer.appendProperty(step.getFieldName())
                    : pointer.appendIndex(step.getIndex());
        }
        return pointer;
    }

    private static String shorten(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
