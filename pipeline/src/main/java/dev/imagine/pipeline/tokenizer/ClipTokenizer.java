package dev.imagine.pipeline.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.TokenizedPrompt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CLIP prompt tokenizer: gives the same ids as transformers' slow {@code CLIPTokenizer} (with {@code ftfy}
 * installed) called as {@code tokenizer(prompt, padding="max_length", max_length=77, truncation=True)}.
 *
 * <p>The work is split as follows:
 * <ol>
 *   <li>The raw prompt is cut at the special tokens (BOS, EOS, UNK, PAD and the folder's added special tokens),
 *       exactly as they are written, like the slow tokenizer's added-token trie. These pieces map straight to their
 *       ids.</li>
 *   <li>Every other piece is cleaned by {@link ClipTextNormalizer} ({@code whitespace_clean(ftfy.fix_text(t)).lower()})
 *       and scanned with the slow tokenizer's pre-token regex, whose first alternatives are
 *       {@code <|startoftext|>} and {@code <|endoftext|>}: where these match they are special ids too.</li>
 *   <li>The rest goes to DJL's Hugging Face tokenizer (native Rust), configured without a normaliser: the CLIP
 *       pre-token split, the byte-to-unicode map and the BPE merges with the {@code </w>} end-of-word suffix.</li>
 *   <li>BOS, at most {@code maxLength - 2} content tokens, EOS, then the pad id up to {@code maxLength}.</li>
 * </ol>
 *
 * <p>Known differences from the reference: ftfy's mojibake repair ({@code fix_encoding}) is reproduced only for the
 * common Latin-1/Windows-1252 cases ({@code "cafÃ©"} becomes {@code "café"}, {@code "itâ€™s"} becomes
 * {@code "it's"}); rarer mojibake, which ftfy finds with a statistical heuristic, is tokenised as written.
 *
 * <p>Thread-safe. Owns a native handle: {@link #close()} it.
 */
public final class ClipTokenizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClipTokenizer.class);

    private static final String START_OF_TEXT = "<|startoftext|>";
    private static final String END_OF_TEXT = "<|endoftext|>";

    /**
     * The slow tokenizer's pre-token regex ({@code regex} module, IGNORECASE). Only used to find where its two
     * special-token alternatives match; DJL repeats the rest of the split.
     */
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private final HuggingFaceTokenizer bpe;
    private final int maxLength;
    private final int bosId;
    private final int eosId;
    private final int padId;
    private final int vocabSize;
    private final int commaId;
    private final String[] tokensById;
    private final int startOfTextId;
    private final int endOfTextId;
    /** Special tokens cut out of the raw text, longest first, with their ids. */
    private final List<Map.Entry<String, Integer>> rawSpecials;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private ClipTokenizer(HuggingFaceTokenizer bpe, TokenizerFolder.Contents contents, Path dir) {
        this.bpe = bpe;
        this.maxLength = contents.maxLength();
        Map<String, Integer> vocab = contents.vocab();
        this.bosId = idOf(vocab, contents.bos(), "bos_token", dir);
        this.eosId = idOf(vocab, contents.eos(), "eos_token", dir);
        this.padId = idOf(vocab, contents.pad(), "pad_token", dir);
        this.vocabSize = vocab.size();
        this.commaId = vocab.getOrDefault(",</w>", -1);
        int largestId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.tokensById = new String[largestId + 1];
        vocab.forEach((token, id) -> {
            if (id >= 0) {
                tokensById[id] = token;
            }
        });
        Integer unk = vocab.get(contents.unk());
        int fallback = unk != null ? unk : eosId;
        this.startOfTextId = vocab.getOrDefault(START_OF_TEXT, fallback);
        this.endOfTextId = vocab.getOrDefault(END_OF_TEXT, fallback);

        Map<String, Integer> specials = new LinkedHashMap<>();
        specials.put(contents.bos(), bosId);
        specials.put(contents.eos(), eosId);
        if (vocab.containsKey(contents.unk())) {
            specials.put(contents.unk(), vocab.get(contents.unk()));
        }
        specials.put(contents.pad(), padId);
        for (String extra : contents.extraSpecialTokens()) {
            Integer id = vocab.get(extra);
            if (id != null) {
                specials.putIfAbsent(extra, id);
            }
        }
        specials.remove("");
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(specials.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getKey().length()).reversed());
        this.rawSpecials = List.copyOf(sorted);
    }

    /**
     * Loads the tokenizer of a model's {@code tokenizer/} folder.
     *
     * @param tokenizerDir a folder with {@code vocab.json} and {@code merges.txt} (preferred) or a
     *                     {@code tokenizer.json}, and optionally {@code tokenizer_config.json} and
     *                     {@code special_tokens_map.json} (pad/bos/eos tokens, {@code model_max_length})
     * @return the tokenizer; close it when done
     * @throws PipelineException when a file is missing or malformed, or the native library cannot be loaded
     */
    public static ClipTokenizer load(Path tokenizerDir) {
        TokenizerFolder.Contents contents = TokenizerFolder.read(tokenizerDir);
        DjlNativeLibrary.prepare();
        HuggingFaceTokenizer bpe;
        try {
            bpe = HuggingFaceTokenizer.newInstance(
                    new ByteArrayInputStream(contents.djlJson().getBytes(StandardCharsets.UTF_8)),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException e) {
            throw new PipelineException("Cannot create the tokenizer from " + contents.source() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            if (isNativeLoadFailure(e)) {
                throw new PipelineException(DjlNativeLibrary.loadFailureHint() + " (" + e + ")", e);
            }
            throw new PipelineException("The tokenizer in " + contents.source() + " was rejected by the Hugging"
                    + " Face tokenizers library: " + e.getMessage(), e);
        }
        try {
            ClipTokenizer tokenizer = new ClipTokenizer(bpe, contents, tokenizerDir);
            LOG.debug("Loaded CLIP tokenizer from {}: {} tokens, max length {}, pad id {}", contents.source(),
                    tokenizer.vocabSize, tokenizer.maxLength, tokenizer.padId);
            return tokenizer;
        } catch (RuntimeException e) {
            bpe.close();
            throw e;
        }
    }

    /**
     * Tokenises a prompt for the text encoder.
     *
     * @param prompt the prompt as the user wrote it (null is rejected)
     * @return exactly {@link #maxLength()} ids: BOS, at most {@code maxLength - 2} content tokens, EOS, pad ids
     */
    public TokenizedPrompt encode(String prompt) {
        Objects.requireNonNull(prompt, "prompt");
        int[] content = contentIds(prompt);
        int kept = Math.min(content.length, maxLength - 2);
        int[] ids = new int[maxLength];
        ids[0] = bosId;
        System.arraycopy(content, 0, ids, 1, kept);
        ids[kept + 1] = eosId;
        Arrays.fill(ids, kept + 2, maxLength, padId);
        if (kept < content.length) {
            // Debug, not a warning: a prompt is encoded several times per picture (cache keys, the reading shown to
            // the person), and the person is told of the cut where they asked.
            LOG.debug("Prompt has {} tokens but the text encoder reads at most {}: the last {} tokens are ignored",
                    content.length, maxLength - 2, content.length - kept);
            if (LOG.isDebugEnabled()) {
                LOG.debug("Truncated prompt: {}", prompt);
            }
        }
        return new TokenizedPrompt(ids, content.length, kept);
    }

    /** The number of ids {@link #encode(String)} returns (the text encoder's sequence length, 77 for CLIP). */
    public int maxLength() {
        return maxLength;
    }

    /** The id the tail is padded with (49407 for SD 1.5, 0 for SD 2 tokenizers whose pad token is "!"). */
    public int padId() {
        return padId;
    }

    /** The id every prompt starts with ({@code <|startoftext|>} for CLIP). */
    public int bosId() {
        return bosId;
    }

    /** The id after the last token of a prompt ({@code <|endoftext|>} for CLIP). */
    public int eosId() {
        return eosId;
    }

    /** The id of a lone comma ({@code ,</w>}), or -1 when the vocabulary has none. */
    public int commaId() {
        return commaId;
    }

    /**
     * The text of some ids, for showing people how a prompt was read: the byte-level BPE undone, word ends as
     * spaces; special tokens are written as they are spelled ({@code <|endoftext|>}).
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            String token = id >= 0 && id < tokensById.length ? tokensById[id] : null;
            text.append(token == null ? "<" + id + ">" : token);
        }
        return ByteLevel.decode(text.toString()).replace("</w>", " ");
    }

    /** The number of entries of the vocabulary (49408 for CLIP). */
    public int vocabSize() {
        return vocabSize;
    }

    /** Releases the native tokenizer. Idempotent; {@link #encode(String)} fails afterwards. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bpe.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The ids of a text without BOS/EOS, padding or truncation (transformers' {@code tokenizer(text,
     * add_special_tokens=False, truncation=False)}), as the web UI tokenizes each weighted run of a prompt.
     */
    public int[] contentIds(String prompt) {
        // 1. split at the special tokens as written (the slow tokenizer's added-token trie)
        List<Object> pieces = new ArrayList<>(); // String = text to normalise, Integer = special id
        splitRawSpecials(prompt, pieces);

        // 2. normalise the text pieces and find the regex special tokens
        List<Object> parts = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Object piece : pieces) {
            if (piece instanceof Integer id) {
                parts.add(id);
                continue;
            }
            String normalized = ClipTextNormalizer.normalize((String) piece);
            Matcher m = PRE_TOKEN.matcher(normalized);
            int textStart = 0;
            while (m.find()) {
                Integer special = regexSpecial(m.group());
                if (special != null) {
                    addText(normalized.substring(textStart, m.start()), parts, texts);
                    parts.add(special);
                    textStart = m.end();
                }
            }
            addText(normalized.substring(textStart), parts, texts);
        }

        // 3. BPE through DJL, in one native call
        Encoding[] encodings;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("ClipTokenizer is closed");
            }
            encodings = texts.isEmpty() ? new Encoding[0] : bpe.batchEncode(texts, false, false);
        } finally {
            lock.readLock().unlock();
        }

        int total = 0;
        int next = 0;
        long[][] textIds = new long[encodings.length][];
        for (Encoding encoding : encodings) {
            textIds[next] = encoding.getIds();
            total += textIds[next].length;
            next++;
        }
        for (Object part : parts) {
            if (part instanceof Integer) {
                total++;
            }
        }
        int[] out = new int[total];
        int pos = 0;
        next = 0;
        for (Object part : parts) {
            if (part instanceof Integer id) {
                out[pos++] = id;
            } else {
                for (long id : textIds[next++]) {
                    out[pos++] = Math.toIntExact(id);
                }
            }
        }
        return out;
    }

    private void splitRawSpecials(String text, List<Object> pieces) {
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            Map.Entry<String, Integer> match = null;
            for (Map.Entry<String, Integer> special : rawSpecials) {
                if (text.startsWith(special.getKey(), i)) {
                    match = special; // longest first
                    break;
                }
            }
            if (match == null) {
                i++;
                continue;
            }
            if (i > start) {
                pieces.add(text.substring(start, i));
            }
            pieces.add(match.getValue());
            i += match.getKey().length();
            start = i;
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
    }

    /** The slow tokenizer's BPE cache knows exactly these two pre-tokens; any other spelling goes through BPE. */
    private Integer regexSpecial(String preToken) {
        if (preToken.equals(START_OF_TEXT)) {
            return startOfTextId;
        }
        if (preToken.equals(END_OF_TEXT)) {
            return endOfTextId;
        }
        return null;
    }

    private static void addText(String text, List<Object> parts, List<String> texts) {
        if (!text.isBlank()) {
            parts.add(text);
            texts.add(text);
        }
    }

    private static int idOf(Map<String, Integer> vocab, String token, String role, Path dir) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new PipelineException("The " + role + " '" + token + "' of the tokenizer in " + dir
                    + " is not in its vocabulary; expected a token of vocab.json (CLIP uses '<|endoftext|>')");
        }
        return id;
    }

    private static boolean isNativeLoadFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LinkageError || t.getClass().getName().equals("ai.djl.engine.EngineException")) {
                return true;
            }
        }
        return false;
    }
}
