package dev.imagine.pipeline.model;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;
import dev.imagine.pipeline.PipelineException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads the small JSON configuration files of a model folder as plain maps (numbers come back as Double). */
public final class JsonFiles {
    private static final Gson GSON = new Gson();

    private JsonFiles() {
    }

    public static Map<String, Object> readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("missing file " + file);
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Map<String, Object> map = GSON.fromJson(reader, new TypeToken<Map<String, Object>>() { }.getType());
            if (map == null) {
                throw new PipelineException(file + " is empty; expected a JSON object");
            }
            return map;
        } catch (IOException e) {
            throw new PipelineException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException e) {
            throw new PipelineException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** An integer setting, or {@code fallback} when the key is absent or null. */
    public static int intValue(Map<String, ?> json, String key, int fallback, Path file) {
        Object value = json.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw new PipelineException(file + ": '" + key + "' must be an integer, got " + value);
    }

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
}
