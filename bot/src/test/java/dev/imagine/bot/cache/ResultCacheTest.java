package dev.imagine.bot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.TokenizedPrompt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
    @TempDir
    Path dir;

    private static CacheKey key(long seed) {
        return CacheKey.of("model", "rev", new int[] {49406, 320, 49407}, seed, 4, 512, 512, 8f, "full");
    }

    @Test
    void imageToImageKey_changesWithTheSourcePicturesPixelsAndTheStrength_andDiffersFromTextToImage() {
        int[] ids = {49406, 320, 49407};
        CacheKey textToImage = CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full");
        CacheKey base = CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full", "abc", 0.5);

        assertThat(CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full", "abc", 0.5)).isEqualTo(base);
        assertThat(Stream.of(textToImage,
                CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full", "abd", 0.5),
                CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full", "abc", 0.55),
                CacheKey.of("m", "r", ids, 2, 4, 512, 512, 8f, "full", "abc", 0.5),
                CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "fast", "abc", 0.5))).doesNotContain(base)
                .doesNotHaveDuplicates();
    }

    @Test
    void cacheKey_changesWithEveryParameterThatChangesThePixels() {
        int[] ids = {49406, 320, 49407};
        CacheKey base = CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full");

        assertThat(CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "full")).isEqualTo(base);
        assertThat(Stream.of(
                CacheKey.of("other", "r", ids, 1, 4, 512, 512, 8f, "full"),
                CacheKey.of("m", "r2", ids, 1, 4, 512, 512, 8f, "full"),
                CacheKey.of("m", "r", new int[] {49406, 321, 49407}, 1, 4, 512, 512, 8f, "full"),
                CacheKey.of("m", "r", ids, 2, 4, 512, 512, 8f, "full"),
                CacheKey.of("m", "r", ids, 1, 5, 512, 512, 8f, "full"),
                CacheKey.of("m", "r", ids, 1, 4, 768, 512, 8f, "full"),
                CacheKey.of("m", "r", ids, 1, 4, 512, 768, 8f, "full"),
                CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8.5f, "full"),
                CacheKey.of("m", "r", ids, 1, 4, 512, 512, 8f, "fast"))).doesNotContain(base).doesNotHaveDuplicates();
    }

    @Test
    void cacheKey_coversThePromptAsRead_itsSyntaxChunksAndWeights() {
        int[] ids = {49406, 320, 49407};
        float[] ones = {1f, 1f, 1f};
        CacheKey a1111 = CacheKey.of("m", "r", prompt(PromptSyntax.A1111, new PromptChunk(ids, ones)), 1, 4, 512, 512,
                8f, "full");

        assertThat(CacheKey.of("m", "r", prompt(PromptSyntax.A1111, new PromptChunk(ids.clone(), ones.clone())), 1, 4,
                512, 512, 8f, "full")).as("the same parsed form").isEqualTo(a1111);
        assertThat(Stream.of(
                CacheKey.of("m", "r", prompt(PromptSyntax.PLAIN, new PromptChunk(ids, ones)), 1, 4, 512, 512, 8f,
                        "full"),
                CacheKey.of("m", "r", prompt(PromptSyntax.A1111, new PromptChunk(ids, new float[] {1f, 1.1f, 1f})), 1,
                        4, 512, 512, 8f, "full"),
                CacheKey.of("m", "r", prompt(PromptSyntax.A1111, new PromptChunk(ids, ones), new PromptChunk(ids, ones)),
                        1, 4, 512, 512, 8f, "full"))).doesNotContain(a1111).doesNotHaveDuplicates();
    }

    private static TokenizedPrompt prompt(PromptSyntax syntax, PromptChunk... chunks) {
        return new TokenizedPrompt(syntax, List.of(chunks), 1, 1);
    }

    @Test
    void get_countsHitsAndMisses() {
        ResultCache cache = new ResultCache(1 << 20, null, 0);
        cache.put(key(1), new byte[] {1, 2, 3});

        assertThat(cache.get(key(1))).contains(new byte[] {1, 2, 3});
        assertThat(cache.get(key(2))).isEmpty();
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.stats().hitRate()).isEqualTo(0.5);
    }

    @Test
    void lookup_countsOneHitOrOneMissPerRequest_whateverItsNumberOfPictures() {
        ResultCache cache = new ResultCache(1 << 20, null, 0);
        cache.put(key(1), new byte[] {1});
        cache.put(key(2), new byte[] {2});

        assertThat(cache.lookup(java.util.List.of(key(1), key(2)))).isPresent();
        assertThat(cache.lookup(java.util.List.of(key(1), key(3)))).isEmpty();
        assertThat(cache.lookup(java.util.List.of(key(3), key(4)))).isEmpty();

        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(cache.stats().misses()).isEqualTo(2);
    }

    @Test
    void read_deliversAStoredPicture_withoutCountingAHitOrAMiss() {
        ResultCache cache = new ResultCache(1 << 20, null, 0);
        cache.put(key(1), new byte[] {1});

        assertThat(cache.read(key(1))).contains(new byte[] {1});
        assertThat(cache.read(key(2))).isEmpty();

        assertThat(cache.stats().hits()).isZero();
        assertThat(cache.stats().misses()).isZero();
    }

    @Test
    void memoryTier_staysWithinItsByteBudget() {
        ResultCache cache = new ResultCache(10_000, null, 0);
        for (int i = 0; i < 50; i++) {
            cache.put(key(i), new byte[1_000]);
        }

        assertThat(cache.stats().memoryBytes()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void diskTier_survivesANewCacheInstance() {
        new ResultCache(1 << 20, dir, 1 << 20).put(key(7), new byte[] {7, 7});

        ResultCache reopened = new ResultCache(1 << 20, dir, 1 << 20);

        assertThat(reopened.get(key(7))).contains(new byte[] {7, 7});
        assertThat(reopened.stats().diskEntries()).isEqualTo(1);
    }

    @Test
    void diskTier_removesTheOldestFilesFirstWhenOverBudget() throws IOException {
        ResultCache cache = new ResultCache(1, dir, 2_500);
        cache.put(key(1), new byte[1_000]);
        cache.put(key(2), new byte[1_000]);
        // Make the write times distinct and ordered regardless of the file system's timestamp resolution.
        Files.setLastModifiedTime(dir.resolve(key(1).digest() + ".png"), FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        Files.setLastModifiedTime(dir.resolve(key(2).digest() + ".png"), FileTime.from(Instant.parse("2026-01-02T00:00:00Z")));

        ResultCache reopened = new ResultCache(1, dir, 2_500);
        reopened.put(key(3), new byte[1_000]);

        assertThat(Files.exists(dir.resolve(key(1).digest() + ".png"))).as("oldest removed").isFalse();
        assertThat(Files.exists(dir.resolve(key(2).digest() + ".png"))).isTrue();
        assertThat(Files.exists(dir.resolve(key(3).digest() + ".png"))).isTrue();
        assertThat(reopened.stats().diskBytes()).isEqualTo(2_000);
    }

    @Test
    void remove_forgetsInBothTiers() {
        ResultCache cache = new ResultCache(1 << 20, dir, 1 << 20);
        cache.put(key(1), new byte[] {1});

        cache.remove(key(1));

        assertThat(cache.get(key(1))).isEmpty();
        assertThat(new ResultCache(1 << 20, dir, 1 << 20).get(key(1))).isEmpty();
    }
}
