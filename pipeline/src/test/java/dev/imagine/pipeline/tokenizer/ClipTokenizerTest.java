package dev.imagine.pipeline.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.imagine.pipeline.model.JsonFiles;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.TokenizedPrompt;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ClipTokenizerTest {

    private static final int BOS = 49406;
    private static final int EOS = 49407;

    /**
     * Reference prompts the Java tokenizer is allowed to get wrong, with the reason. Empty: every case of
     * cases.json matches (none of them needs ftfy's mojibake repair, the one ftfy step that is not reproduced).
     */
    private static final Map<String, String> KNOWN_EXCEPTIONS = Map.of();

    private static Path clipDir;
    private static ClipTokenizer tokenizer;

    @TempDir
    Path temp;

    @BeforeAll
    static void loadTokenizer() throws URISyntaxException {
        clipDir = Path.of(ClipTokenizerTest.class.getResource("/tokenizer/clip/vocab.json").toURI()).getParent();
        tokenizer = ClipTokenizer.load(clipDir);
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // reference vectors
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void encode_specVector_astronautRidingAHorse() {
        TokenizedPrompt prompt = tokenizer.encode("a photograph of an astronaut riding a horse");

        int[] expected = new int[77];
        Arrays.fill(expected, EOS);
        System.arraycopy(new int[] {BOS, 320, 8853, 539, 550, 18376, 6765, 320, 4558, EOS}, 0, expected, 0, 10);
        assertThat(prompt.ids()).containsExactly(expected);
        assertThat(prompt.contentTokens()).isEqualTo(8);
        assertThat(prompt.keptTokens()).isEqualTo(8);
        assertThat(prompt.truncated()).isFalse();
    }

    @Test
    void encode_everyReferenceCase_matchesSlowClipTokenizerWithFtfy() throws IOException {
        List<ReferenceCase> cases = referenceCases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(220);

        List<String> mismatches = new ArrayList<>();
        int matched = 0;
        for (ReferenceCase c : cases) {
            TokenizedPrompt actual = tokenizer.encode(c.prompt());
            boolean same = Arrays.equals(actual.ids(), c.ids()) && actual.contentTokens() == c.contentTokens();
            if (same) {
                matched++;
            } else if (!KNOWN_EXCEPTIONS.containsKey(c.prompt())) {
                mismatches.add(describe(c, actual));
            }
        }
        System.out.printf("ClipTokenizer: %d of %d reference prompts match the slow CLIPTokenizer%n",
                matched, cases.size());

        assertThat(mismatches).as("prompts whose ids differ from the slow CLIPTokenizer").isEmpty();
        assertThat(matched).isGreaterThanOrEqualTo((int) Math.ceil(cases.size() * 0.99));
    }

    @Test
    void encode_referenceCasesWhereTheFastTokenizerDiffers_followTheSlowOne() throws IOException {
        List<ReferenceCase> differing = referenceCases().stream()
                .filter(c -> !Arrays.equals(c.ids(), c.idsFast()))
                .toList();
        // curly quotes, ligatures, fullwidth forms, HTML entities, control characters, terminal escapes...
        assertThat(differing).isNotEmpty();
        for (ReferenceCase c : differing) {
            assertThat(tokenizer.encode(c.prompt()).ids()).as(c.prompt()).containsExactly(c.ids());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // truncation, padding, special tokens
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void encode_longPrompt_keepsEosAndReportsDroppedTokens_inTheDebugLogOnly() {
        String prompt = String.join(" ", java.util.Collections.nCopies(100, "horse"));
        ListAppender<ILoggingEvent> log = captureLog();
        Logger logger = (Logger) LoggerFactory.getLogger(ClipTokenizer.class);
        Level before = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        try {
            TokenizedPrompt tokens = tokenizer.encode(prompt);

            int[] ids = tokens.ids();
            assertThat(ids).hasSize(77);
            assertThat(ids[0]).isEqualTo(BOS);
            assertThat(IntStream.rangeClosed(1, 75).map(i -> ids[i])).containsOnly(4558);
            assertThat(ids[76]).isEqualTo(EOS);
            assertThat(tokens.contentTokens()).isEqualTo(100);
            assertThat(tokens.keptTokens()).isEqualTo(75);
            assertThat(tokens.droppedTokens()).isEqualTo(25);
            assertThat(tokens.truncated()).isTrue();

            // A prompt is encoded several times per picture, and the person is told of the cut where they asked:
            // the tokenizer only notes it for debugging, and never puts the prompt's words above DEBUG.
            assertThat(log.list).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.INFO));
            List<ILoggingEvent> cuts = log.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("tokens are ignored")).toList();
            assertThat(cuts).hasSize(1);
            assertThat(cuts.get(0).getFormattedMessage()).contains("25").doesNotContain("horse");
        } finally {
            logger.setLevel(before);
            releaseLog(log);
        }
    }

    @Test
    void encode_promptOfExactly75Tokens_isNotTruncatedAndLogsNothing() {
        String prompt = String.join(" ", java.util.Collections.nCopies(75, "horse"));
        ListAppender<ILoggingEvent> log = captureLog();
        try {
            TokenizedPrompt tokens = tokenizer.encode(prompt);

            assertThat(tokens.ids()[75]).isEqualTo(4558);
            assertThat(tokens.ids()[76]).isEqualTo(EOS);
            assertThat(tokens.truncated()).isFalse();
            assertThat(log.list).noneMatch(e -> e.getLevel() == Level.WARN);
        } finally {
            releaseLog(log);
        }
    }

    @Test
    void encode_emptyPrompt_isBosEosAndPads() {
        int[] expected = new int[77];
        Arrays.fill(expected, EOS);
        expected[0] = BOS;

        for (String empty : List.of("", "   ", "\n\t ", "\u0000")) {
            TokenizedPrompt tokens = tokenizer.encode(empty);
            assertThat(tokens.ids()).as("'%s'", empty).containsExactly(expected);
            assertThat(tokens.contentTokens()).isZero();
        }
    }

    @Test
    void encode_specialTokensWrittenInThePrompt_becomeTheirIds() {
        // exactly as written: cut out before normalisation (the slow tokenizer's added-token trie)
        assertThat(content("!!<|endoftext|>")).containsExactly(748, EOS);
        // upper case: found by the pre-token regex after lower-casing
        assertThat(content("x <|ENDOFTEXT|> y")).containsExactly(343, EOS, 344);
        assertThat(content("a<|startoftext|>b")).containsExactly(320, BOS, 321);
        // glued to other punctuation after lower-casing: not a special token any more
        assertThat(content("!!<|ENDOFTEXT|>")).containsExactly(1443, 27, 347, 40786, 4160, 91, 285);
    }

    @Test
    void accessors_describeTheClipVocabulary() {
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.padId()).isEqualTo(EOS);
        assertThat(tokenizer.vocabSize()).isEqualTo(49408);
    }

    // ---------------------------------------------------------------------------------------------------------
    // folder contents
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void load_padTokenFromFolder_isUsedForPadding() throws IOException {
        Path dir = copyClipFolder();
        rewriteJson(dir.resolve("special_tokens_map.json"), json -> json.put("pad_token", "!"));
        rewriteJson(dir.resolve("tokenizer_config.json"), json -> json.put("pad_token", "!"));

        try (ClipTokenizer sd2 = ClipTokenizer.load(dir)) {
            assertThat(sd2.padId()).isZero();
            int[] ids = sd2.encode("a cat").ids();
            assertThat(Arrays.copyOf(ids, 4)).containsExactly(BOS, 320, 2368, EOS);
            assertThat(Arrays.copyOfRange(ids, 4, 77)).containsOnly(0);
            // like transformers, the pad token is a special token: a '!' in the prompt becomes id 0, not 256
            assertThat(Arrays.copyOf(sd2.encode("a cat!").ids(), 6)).containsExactly(BOS, 320, 2368, 0, EOS, 0);
        }
    }

    @Test
    void load_padTokenAsObject_isRead() throws IOException {
        Path dir = copyClipFolder();
        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.writeString(dir.resolve("special_tokens_map.json"),
                "{\"pad_token\": {\"content\": \"!\", \"lstrip\": false, \"normalized\": false}}");

        try (ClipTokenizer tokens = ClipTokenizer.load(dir)) {
            assertThat(tokens.padId()).isZero();
            assertThat(tokens.maxLength()).isEqualTo(77);
            assertThat(tokens.encode("a cat").ids()).startsWith(BOS, 320, 2368, EOS, 0);
        }
    }

    @Test
    void load_withoutConfigFiles_usesClipDefaults() throws IOException {
        Path dir = copyClipFolder();
        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.delete(dir.resolve("special_tokens_map.json"));

        try (ClipTokenizer tokens = ClipTokenizer.load(dir)) {
            assertThat(tokens.padId()).isEqualTo(EOS);
            assertThat(tokens.maxLength()).isEqualTo(77);
            assertThat(tokens.encode("a photograph of an astronaut riding a horse").ids())
                    .containsExactly(tokenizer.encode("a photograph of an astronaut riding a horse").ids());
        }
    }

    @Test
    void load_modelMaxLengthFromConfig_setsTheLength() throws IOException {
        Path dir = copyClipFolder();
        rewriteJson(dir.resolve("tokenizer_config.json"), json -> json.put("model_max_length", 8));

        try (ClipTokenizer short8 = ClipTokenizer.load(dir)) {
            TokenizedPrompt tokens = short8.encode("a photograph of an astronaut riding a horse");
            assertThat(tokens.ids()).containsExactly(BOS, 320, 8853, 539, 550, 18376, 6765, EOS);
            assertThat(tokens.droppedTokens()).isEqualTo(2);
        }
    }

    @Test
    void load_missingVocab_throwsPipelineExceptionNamingFileAndFolder() throws IOException {
        Path dir = copyClipFolder();
        Files.delete(dir.resolve("vocab.json"));

        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("vocab.json")
                .hasMessageContaining(dir.toAbsolutePath().toString());
    }

    @Test
    void load_missingMerges_throwsPipelineExceptionNamingFileAndFolder() throws IOException {
        Path dir = copyClipFolder();
        Files.delete(dir.resolve("merges.txt"));

        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("merges.txt")
                .hasMessageContaining(dir.toAbsolutePath().toString());
    }

    @Test
    void load_missingFolder_throwsPipelineException() {
        Path missing = temp.resolve("no-such-tokenizer");

        assertThatThrownBy(() -> ClipTokenizer.load(missing))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining(missing.toAbsolutePath().toString());
    }

    @Test
    void load_padTokenNotInVocabulary_throwsPipelineException() throws IOException {
        Path dir = copyClipFolder();
        rewriteJson(dir.resolve("tokenizer_config.json"), json -> json.put("pad_token", "<pad>"));

        assertThatThrownBy(() -> ClipTokenizer.load(dir))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("<pad>");
    }

    @Test
    void load_tokenizerJsonOnly_givesTheSameIds() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("fast"));
        Files.copy(clipDir.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"));
        Files.copy(clipDir.resolve("special_tokens_map.json"), dir.resolve("special_tokens_map.json"));
        Files.writeString(dir.resolve("tokenizer.json"), clipTokenizerFastJson(), StandardCharsets.UTF_8);

        try (ClipTokenizer fast = ClipTokenizer.load(dir)) {
            assertThat(fast.vocabSize()).isEqualTo(49408);
            assertThat(fast.padId()).isEqualTo(EOS);
            for (ReferenceCase c : referenceCases()) {
                assertThat(fast.encode(c.prompt()).ids()).as(c.prompt()).containsExactly(c.ids());
            }
        }
    }

    @Test
    void close_isIdempotentAndEncodeFailsAfterwards() {
        ClipTokenizer tokens = ClipTokenizer.load(clipDir);
        tokens.close();
        tokens.close();

        assertThatThrownBy(() -> tokens.encode("a cat")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void encode_concurrentCalls_giveTheSameIds() throws Exception {
        List<ReferenceCase> cases = referenceCases();
        List<Boolean> results = cases.parallelStream()
                .map(c -> Arrays.equals(tokenizer.encode(c.prompt()).ids(), c.ids()))
                .toList();
        assertThat(results).containsOnly(true);
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------

    private static int[] content(String prompt) {
        TokenizedPrompt tokens = tokenizer.encode(prompt);
        return Arrays.copyOfRange(tokens.ids(), 1, 1 + tokens.keptTokens());
    }

    record ReferenceCase(String prompt, int[] ids, @JsonProperty("content_tokens") int contentTokens,
                         @JsonProperty("ids_fast") int[] idsFast) {
    }

    static List<ReferenceCase> referenceCases() {
        return List.of(JsonFiles.read(clipDir.getParent().resolve("cases.json"), ReferenceCase[].class));
    }

    private static String describe(ReferenceCase c, TokenizedPrompt actual) {
        String escaped = c.prompt().codePoints()
                .mapToObj(cp -> cp >= 0x20 && cp < 0x7F ? Character.toString(cp) : String.format("\\u{%X}", cp))
                .reduce("", String::concat);
        return escaped + "\n   expected " + Arrays.toString(c.ids()) + " (" + c.contentTokens() + " tokens)"
                + "\n   actual   " + Arrays.toString(actual.ids()) + " (" + actual.contentTokens() + " tokens)";
    }

    private Path copyClipFolder() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("clip-copy"));
        try (Stream<Path> files = Files.list(clipDir)) {
            for (Path file : files.toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        return dir;
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static void rewriteJson(Path file, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(json);
        Files.writeString(file, JSON.writeValueAsString(json));
    }

    /** A tokenizer.json in the layout CLIPTokenizerFast saves, built from the reference vocab.json and merges.txt. */
    private static String clipTokenizerFastJson() throws IOException {
        JsonNode vocab = JSON.readTree(clipDir.resolve("vocab.json").toFile());
        List<String> lines = Files.readAllLines(clipDir.resolve("merges.txt"), StandardCharsets.UTF_8);
        ArrayNode merges = JSON.createArrayNode();
        lines.stream().skip(1).filter(l -> !l.isBlank()).forEach(merges::add);
        String json = """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [
                   {"id": 49406, "content": "<|startoftext|>", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": true, "special": true},
                   {"id": 49407, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": true, "special": true}],
                 "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"},
                   {"type": "Replace", "pattern": {"Regex": "\\\\s+"}, "content": " "}, {"type": "Lowercase"}]},
                 "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                   {"type": "Split", "pattern": {"Regex":
                    "'s|'t|'re|'ve|'m|'ll|'d|[\\\\p{L}]+|[\\\\p{N}]|[^\\\\s\\\\p{L}\\\\p{N}]+"},
                    "behavior": "Removed", "invert": true},
                   {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]},
                 "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", 49407],
                   "cls": ["<|startoftext|>", 49406], "trim_offsets": false, "add_prefix_space": false},
                 "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true,
                   "use_regex": true},
                 "model": {"type": "BPE", "dropout": null, "unk_token": "<|endoftext|>",
                   "continuing_subword_prefix": "", "end_of_word_suffix": "</w>", "fuse_unk": false,
                   "byte_fallback": false, "ignore_merges": false, "vocab": {}, "merges": []}}
                """;
        ObjectNode tokenizerJson = (ObjectNode) JSON.readTree(json);
        ObjectNode model = (ObjectNode) tokenizerJson.get("model");
        model.set("vocab", vocab);
        model.set("merges", merges);
        return JSON.writeValueAsString(tokenizerJson);
    }

    private static ListAppender<ILoggingEvent> captureLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ClipTokenizer.class);
        logger.addAppender(appender);
        return appender;
    }

    private static void releaseLog(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger(ClipTokenizer.class)).detachAppender(appender);
    }
}
