package dev.imagine.pipeline.tokenizer;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.model.JsonFiles;
import java.io.IOException;
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
        TokenizerConfig config = readOptionalConfig(dir.resolve(TOKENIZER_CONFIG));
        TokenizerConfig specialMap = readOptionalConfig(dir.resolve(SPECIAL_TOKENS_MAP));

        Map<String, Integer> vocab;
        Object model;
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
            FastTokenizerFile full = JsonFiles.read(tokenizerJson, FastTokenizerFile.class);
            FastTokenizerFile.Model bpe = full.model() == null || !full.model().isObject() ? null
                    : JsonFiles.convert(full.model(), FastTokenizerFile.Model.class, tokenizerJson + " (model)");
            if (bpe == null || !"BPE".equals(bpe.type())) {
                throw new PipelineException(tokenizerJson + " has no BPE \"model\"; a CLIP tokenizer needs a byte-level"
                        + " BPE model (or put vocab.json and merges.txt in " + dir + ")");
            }
            // Handed to DJL as it is written; only the vocabulary is read here.
            model = full.model();
            vocab = checkedVocab(bpe.vocab(), tokenizerJson, "model.vocab is missing or empty");
            addAddedTokens(full.addedTokens(), vocab);
            source = tokenizerJson.toString();
        }

        String bos = specialToken(config, specialMap, TokenizerConfig::bos, DEFAULT_BOS);
        String eos = specialToken(config, specialMap, TokenizerConfig::eos, DEFAULT_EOS);
        String pad = specialToken(config, specialMap, TokenizerConfig::pad, eos);
        String unk = specialToken(config, specialMap, TokenizerConfig::unk, DEFAULT_EOS);
        List<String> extra = extraSpecialTokens(config, specialMap);
        int maxLength = maxLength(config, dir.resolve(TOKENIZER_CONFIG));

        DjlTokenizer tokenizer = new DjlTokenizer("1.0", null, null, List.of(), null, clipPreTokenizer(), null,
                byteLevel(), model);
        return new Contents(JsonFiles.writeCompact(tokenizer), vocab, bos, eos, pad, unk, extra, maxLength, source);
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
        return checkedVocab(JsonFiles.read(file, new TypeReference<LinkedHashMap<String, Integer>>() { }), file,
                "is an empty vocabulary");
    }

    private static Map<String, Integer> checkedVocab(Map<String, Integer> read, Path file, String whenEmpty) {
        if (read == null || read.isEmpty()) {
            throw new PipelineException(file + (whenEmpty.startsWith("is ") ? " " : ": ") + whenEmpty);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>(read.size() * 2);
        read.forEach((token, id) -> {
            if (id == null || id < 0) {
                throw new PipelineException(file + ": the id of token '" + token
                        + "' must be a non-negative integer, got " + id);
            }
            vocab.put(token, id);
        });
        return vocab;
    }

    private static void addAddedTokens(List<FastTokenizerFile.AddedToken> added, Map<String, Integer> vocab) {
        if (added == null) {
            return;
        }
        for (FastTokenizerFile.AddedToken token : added) {
            if (token != null && token.content() != null && token.id() != null) {
                vocab.putIfAbsent(token.content(), token.id());
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

    private static BpeModel bpeModel(Map<String, Integer> vocab, List<String> merges, Path vocabFile) {
        if (!vocab.containsKey("a</w>")) {
            LOG.warn("{} has no 'a</w>' token; this does not look like a CLIP vocabulary", vocabFile);
        }
        return new BpeModel("BPE", null, vocab.containsKey(DEFAULT_EOS) ? DEFAULT_EOS : null, "", "</w>", false, false,
                false, vocab, merges);
    }

    private static Sequence clipPreTokenizer() {
        Split split = new Split("Split", new Split.Pattern(PRE_TOKEN_REGEX), "Removed", true);
        return new Sequence("Sequence", List.of(split, byteLevel()));
    }

    private static ByteLevel byteLevel() {
        // The CLIP split above already produced the pre-tokens; no second (GPT-2) split (use_regex false).
        return new ByteLevel("ByteLevel", false, false, false);
    }

    // ---------------------------------------------------------------------------------------------------------
    // special tokens and lengths
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Which file wins follows transformers: with an {@code added_tokens_decoder} in tokenizer_config.json (current
     * format) its values are used; otherwise (legacy format) special_tokens_map.json overrides tokenizer_config.json.
     */
    private static String specialToken(TokenizerConfig config, TokenizerConfig specialMap,
                                       java.util.function.Function<TokenizerConfig, Token> key, String fallback) {
        String fromConfig = Token.contentOf(key.apply(config));
        String fromMap = Token.contentOf(key.apply(specialMap));
        boolean legacy = config.addedTokensDecoder() == null;
        String value = legacy ? firstNonNull(fromMap, fromConfig) : firstNonNull(fromConfig, fromMap);
        return value != null ? value : fallback;
    }

    private static List<String> extraSpecialTokens(TokenizerConfig config, TokenizerConfig specialMap) {
        List<String> extra = new ArrayList<>();
        if (config.addedTokensDecoder() != null) {
            config.addedTokensDecoder().values().forEach(token -> addContent(token, extra));
        }
        for (TokenizerConfig json : List.of(config, specialMap)) {
            if (json.additionalSpecialTokens() != null) {
                json.additionalSpecialTokens().forEach(token -> addContent(token, extra));
            }
        }
        return extra;
    }

    private static void addContent(Token token, List<String> into) {
        String content = Token.contentOf(token);
        if (content != null && !content.isEmpty()) {
            into.add(content);
        }
    }

    private static int maxLength(TokenizerConfig config, Path file) {
        Double value = config.modelMaxLength();
        if (value == null) {
            return DEFAULT_MAX_LENGTH;
        }
        if (value > 1_000_000) {
            // transformers writes int(1e30) when the length is unknown
            LOG.warn("{}: model_max_length {} means 'unset'; using {}", file, value, DEFAULT_MAX_LENGTH);
            return DEFAULT_MAX_LENGTH;
        }
        if (value != Math.rint(value) || value < 3) {
            throw new PipelineException(file + ": model_max_length must be a whole number of at least 3, got "
                    + value);
        }
        return value.intValue();
    }

    // ---------------------------------------------------------------------------------------------------------

    private static TokenizerConfig readOptionalConfig(Path file) {
        return Files.isRegularFile(file) ? JsonFiles.read(file, TokenizerConfig.class) : TokenizerConfig.NONE;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the files as written, and the tokenizer.json handed to DJL
    // ---------------------------------------------------------------------------------------------------------

    /** A special token, written as {@code "text"} or as {@code {"content": "text", ...}}. */
    record Token(@JsonProperty("content") String content) {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static Token ofText(String text) {
            return new Token(text);
        }

        static String contentOf(Token token) {
            return token == null ? null : token.content();
        }
    }

    /** {@code tokenizer_config.json} or {@code special_tokens_map.json}: what the tokenizer reads of them. */
    record TokenizerConfig(@JsonProperty("bos_token") Token bos, @JsonProperty("eos_token") Token eos,
                           @JsonProperty("pad_token") Token pad, @JsonProperty("unk_token") Token unk,
                           @JsonProperty("added_tokens_decoder") LinkedHashMap<String, Token> addedTokensDecoder,
                           @JsonProperty("additional_special_tokens") List<Token> additionalSpecialTokens,
                           @JsonProperty("model_max_length") Double modelMaxLength) {
        static final TokenizerConfig NONE = new TokenizerConfig(null, null, null, null, null, null, null);
    }

    /** A fast tokenizer's {@code tokenizer.json}: its model (kept as written) and its added tokens. */
    record FastTokenizerFile(JsonNode model, @JsonProperty("added_tokens") List<AddedToken> addedTokens) {
        record Model(String type, Map<String, Integer> vocab) {
        }

        record AddedToken(String content, Integer id) {
        }
    }

    /** The {@code tokenizer.json} DJL loads: no normaliser, no added tokens, no post-processor (see above). */
    record DjlTokenizer(String version, Object truncation, Object padding,
                        @JsonProperty("added_tokens") List<Object> addedTokens, Object normalizer,
                        @JsonProperty("pre_tokenizer") Object preTokenizer,
                        @JsonProperty("post_processor") Object postProcessor, Object decoder, Object model) {
    }

    record BpeModel(String type, Double dropout, @JsonProperty("unk_token") String unkToken,
                    @JsonProperty("continuing_subword_prefix") String continuingSubwordPrefix,
                    @JsonProperty("end_of_word_suffix") String endOfWordSuffix,
                    @JsonProperty("fuse_unk") boolean fuseUnk, @JsonProperty("byte_fallback") boolean byteFallback,
                    @JsonProperty("ignore_merges") boolean ignoreMerges, Map<String, Integer> vocab,
                    List<String> merges) {
    }

    record Split(String type, Pattern pattern, String behavior, boolean invert) {
        record Pattern(@JsonProperty("Regex") String regex) {
        }
    }

    record ByteLevel(String type, @JsonProperty("add_prefix_space") boolean addPrefixSpace,
                     @JsonProperty("trim_offsets") boolean trimOffsets,
                     @JsonProperty("use_regex") boolean useRegex) {
    }

    record Sequence(String type, List<Object> pretokenizers) {
    }
}
