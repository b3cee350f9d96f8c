package dev.imagine.pipeline.tokenizer;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.imagine.pipeline.PipelineException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Hugging Face tokenizer folder ({@code vocab.json} + {@code merges.txt}, or {@code tokenizer.json}, plus
 * {@code tokenizer_config.json} / {@code special_tokens_map.json}) and turns it into the Hugging Face
 * {@code tokenizer.json} that DJL loads.
 *
 * <p>The configuration given to DJL has no normaliser, no added tokens and no post-processor: {@link ClipTokenizer}
 * cleans the text itself (the slow tokenizer's ftfy rules, see {@link ClipTextNormalizer}), splits special tokens
 * out itself and adds BOS/EOS/padding itself. DJL only runs the CLIP pre-token regex, the byte-to-unicode map and
 * the BPE merges.
 */
final class TokenizerFolder {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizerFolder.class);

    static final String VOCAB = "vocab.json";
    static final String MERGES = "merges.txt";
    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";

    static final String DEFAULT_BOS = "<|startoftext|>";
    static final String DEFAULT_EOS = "<|endoftext|>";
    static final int DEFAULT_MAX_LENGTH = 77;
    /** transformers keeps {@code 49152 - 256 - 2} merges (lines 1..48894 of merges.txt) for CLIP. */
    static final int CLIP_MERGE_COUNT = 49152 - 256 - 2;

    /** The pre-token regex of CLIPTokenizerFast; the special-token alternatives are handled in Java. */
    static final String PRE_TOKEN_REGEX = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

    private static final Gson GSON = new Gson();

    /** Everything {@link ClipTokenizer} needs, read from one folder. */
    record Contents(String djlJson, Map<String, Integer> vocab, String bos, String eos, String pad, String unk,
                    List<String> extraSpecialTokens, int maxLength, String source) {
    }

    private TokenizerFolder() {}

    static Contents read(Path dir) {
        if (dir == null) {
            throw new PipelineException("The tokenizer folder is null; expected a folder with vocab.json and merges.txt");
        }
        if (!Files.isDirectory(dir)) {
            throw new PipelineException("Tokenizer folder " + dir.toAbsolutePath() + " does not exist or is not a"
                    + " folder; expected a folder with vocab.json and merges.txt (or tokenizer.json)");
        }
        JsonObject config = readOptionalObject(dir.resolve(TOKENIZER_CONFIG));
        JsonObject specialMap = readOptionalObject(dir.resolve(SPECIAL_TOKENS_MAP));

        Map<String, Integer> vocab;
        JsonObject model;
        String source;
        Path vocabFile = dir.resolve(VOCAB);
        Path mergesFile = dir.resolve(MERGES);
        Path tokenizerJson = dir.resolve(TOKENIZER_JSON);
        boolean slowFiles = Files.isRegularFile(vocabFile) && Files.isRegularFile(mergesFile);
        if (slowFiles || !Files.isRegularFile(tokenizerJson)) {
            // The slow tokenizer's own files, preferred because they are what the reference tokenizer reads.
            requireFile(vocabFile, dir);
            requireFile(mergesFile, dir);
            vocab = readVocab(vocabFile);
            List<String> merges = readMerges(mergesFile);
            model = bpeModel(vocab, merges, vocabFile);
            source = vocabFile + " + " + mergesFile;
        } else {
            JsonObject full = readObject(tokenizerJson);
            JsonElement modelElement = full.get("model");
            if (modelElement == null || !modelElement.isJsonObject()
                    || !"BPE".equals(stringOrNull(modelElement.getAsJsonObject().get("type")))) {
                throw new PipelineException(tokenizerJson + " has no BPE \"model\"; a CLIP tokenizer needs a byte-level"
                        + " BPE model (or put vocab.json and merges.txt in " + dir + ")");
            }
            model = modelElement.getAsJsonObject();
            vocab = vocabOf(model, tokenizerJson);
            addAddedTokens(full.get("added_tokens"), vocab);
            source = tokenizerJson.toString();
        }

        String bos = specialToken("bos_token", config, specialMap, DEFAULT_BOS);
        String eos = specialToken("eos_token", config, specialMap, DEFAULT_EOS);
        String pad = specialToken("pad_token", config, specialMap, eos);
        String unk = specialToken("unk_token", config, specialMap, DEFAULT_EOS);
        List<String> extra = extraSpecialTokens(config, specialMap);
        int maxLength = maxLength(config, dir.resolve(TOKENIZER_CONFIG));

        JsonObject tokenizer = new JsonObject();
        tokenizer.addProperty("version", "1.0");
        tokenizer.add("truncation", JsonNull.INSTANCE);
        tokenizer.add("padding", JsonNull.INSTANCE);
        tokenizer.add("added_tokens", new JsonArray());
        tokenizer.add("normalizer", JsonNull.INSTANCE);
        tokenizer.add("pre_tokenizer", clipPreTokenizer());
        tokenizer.add("post_processor", JsonNull.INSTANCE);
        tokenizer.add("decoder", byteLevel());
        tokenizer.add("model", model);
        return new Contents(GSON.toJson(tokenizer), vocab, bos, eos, pad, unk, extra, maxLength, source);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static void requireFile(Path file, Path dir) {
        if (!Files.isRegularFile(file)) {
            throw new PipelineException("Tokenizer file " + file.getFileName() + " is missing in "
                    + dir.toAbsolutePath() + "; a CLIP tokenizer folder needs vocab.json and merges.txt"
                    + " (or a tokenizer.json)");
        }
    }

    private static Map<String, Integer> readVocab(Path file) {
        JsonObject json = readObject(file);
        Map<String, Integer> vocab = new LinkedHashMap<>(json.size() * 2);
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            vocab.put(e.getKey(), intValue(e.getValue(), file, e.getKey()));
        }
        if (vocab.isEmpty()) {
            throw new PipelineException(file + " is an empty vocabulary");
        }
        return vocab;
    }

    private static Map<String, Integer> vocabOf(JsonObject model, Path file) {
        JsonElement v = model.get("vocab");
        if (v == null || !v.isJsonObject() || v.getAsJsonObject().isEmpty()) {
            throw new PipelineException(file + ": model.vocab is missing or empty");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : v.getAsJsonObject().entrySet()) {
            vocab.put(e.getKey(), intValue(e.getValue(), file, e.getKey()));
        }
        return vocab;
    }

    private static void addAddedTokens(JsonElement added, Map<String, Integer> vocab) {
        if (added == null || !added.isJsonArray()) {
            return;
        }
        for (JsonElement e : added.getAsJsonArray()) {
            if (e.isJsonObject()) {
                String content = stringOrNull(e.getAsJsonObject().get("content"));
                JsonElement id = e.getAsJsonObject().get("id");
                if (content != null && id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber()) {
                    vocab.putIfAbsent(content, id.getAsInt());
                }
            }
        }
    }

    /** {@code merges_handle.read().strip().split("\n")[1 : 49152 - 256 - 2 + 1]}, each line split on white space. */
    private static List<String> readMerges(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PipelineException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        String[] lines = text.strip().split("\n", -1);
        int end = Math.min(lines.length, 1 + CLIP_MERGE_COUNT);
        List<String> merges = new ArrayList<>(Math.max(0, end - 1));
        for (int i = 1; i < end; i++) {
            String[] parts = lines[i].strip().split("\\s+");
            if (parts.length != 2) {
                throw new PipelineException(file + " line " + (i + 1) + " is not a merge of two symbols: '"
                        + lines[i].strip() + "'");
            }
            merges.add(parts[0] + " " + parts[1]);
        }
        if (merges.isEmpty()) {
            throw new PipelineException(file + " has no merges after its first line");
        }
        return merges;
    }

    private static JsonObject bpeModel(Map<String, Integer> vocab, List<String> merges, Path vocabFile) {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", vocab.containsKey(DEFAULT_EOS) ? DEFAULT_EOS : null);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "</w>");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", false);
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        model.add("vocab", v);
        JsonArray m = new JsonArray(merges.size());
        merges.forEach(m::add);
        model.add("merges", m);
        if (!vocab.containsKey("a</w>")) {
            LOG.warn("{} has no 'a</w>' token; this does not look like a CLIP vocabulary", vocabFile);
        }
        return model;
    }

    private static JsonObject clipPreTokenizer() {
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", PRE_TOKEN_REGEX);
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        split.add("pattern", pattern);
        split.addProperty("behavior", "Removed");
        split.addProperty("invert", true);
        JsonObject byteLevel = byteLevel();
        JsonArray steps = new JsonArray();
        steps.add(split);
        steps.add(byteLevel);
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("pretokenizers", steps);
        return sequence;
    }

    private static JsonObject byteLevel() {
        JsonObject byteLevel = new JsonObject();
        byteLevel.addProperty("type", "ByteLevel");
        byteLevel.addProperty("add_prefix_space", false);
        byteLevel.addProperty("trim_offsets", false);
        // The CLIP split above already produced the pre-tokens; no second (GPT-2) split.
        byteLevel.addProperty("use_regex", false);
        return byteLevel;
    }

    // ---------------------------------------------------------------------------------------------------------
    // special tokens and lengths
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Which file wins follows transformers: with an {@code added_tokens_decoder} in tokenizer_config.json (current
     * format) its values are used; otherwise (legacy format) special_tokens_map.json overrides tokenizer_config.json.
     */
    private static String specialToken(String key, JsonObject config, JsonObject specialMap, String fallback) {
        String fromConfig = tokenContent(config.get(key));
        String fromMap = tokenContent(specialMap.get(key));
        boolean legacy = !config.has("added_tokens_decoder");
        String value = legacy ? firstNonNull(fromMap, fromConfig) : firstNonNull(fromConfig, fromMap);
        return value != null ? value : fallback;
    }

    private static List<String> extraSpecialTokens(JsonObject config, JsonObject specialMap) {
        List<String> extra = new ArrayList<>();
        JsonElement decoder = config.get("added_tokens_decoder");
        if (decoder != null && decoder.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : decoder.getAsJsonObject().entrySet()) {
                String content = tokenContent(e.getValue());
                if (content != null && !content.isEmpty()) {
                    extra.add(content);
                }
            }
        }
        for (JsonObject json : List.of(config, specialMap)) {
            JsonElement additional = json.get("additional_special_tokens");
            if (additional != null && additional.isJsonArray()) {
                for (JsonElement e : additional.getAsJsonArray()) {
                    String content = tokenContent(e);
                    if (content != null && !content.isEmpty()) {
                        extra.add(content);
                    }
                }
            }
        }
        return extra;
    }

    /** A token given as {@code "text"} or as {@code {"content": "text", ...}}; null when absent or null. */
    private static String tokenContent(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        if (e.isJsonObject()) {
            return stringOrNull(e.getAsJsonObject().get("content"));
        }
        return null;
    }

    private static int maxLength(JsonObject config, Path file) {
        JsonElement e = config.get("model_max_length");
        if (e == null || e.isJsonNull()) {
            return DEFAULT_MAX_LENGTH;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new PipelineException(file + ": model_max_length must be a number, got " + e);
        }
        double value = e.getAsDouble();
        if (value > 1_000_000) {
            // transformers writes int(1e30) when the length is unknown
            LOG.warn("{}: model_max_length {} means 'unset'; using {}", file, e, DEFAULT_MAX_LENGTH);
            return DEFAULT_MAX_LENGTH;
        }
        if (value != Math.rint(value) || value < 3) {
            throw new PipelineException(file + ": model_max_length must be a whole number of at least 3, got " + e);
        }
        return (int) value;
    }

    // ---------------------------------------------------------------------------------------------------------

    private static JsonObject readOptionalObject(Path file) {
        return Files.isRegularFile(file) ? readObject(file) : new JsonObject();
    }

    private static JsonObject readObject(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonElement e = JsonParser.parseReader(reader);
            if (!e.isJsonObject()) {
                throw new PipelineException(file + " must hold a JSON object");
            }
            return e.getAsJsonObject();
        } catch (IOException e) {
            throw new PipelineException("Cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new PipelineException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static int intValue(JsonElement e, Path file, String key) {
        if (e instanceof JsonPrimitive p && p.isNumber()) {
            double d = p.getAsDouble();
            if (d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw new PipelineException(file + ": the id of token '" + key + "' must be a non-negative integer, got " + e);
    }

    private static String stringOrNull(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
