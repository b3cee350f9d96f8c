package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.pipeline.ModelRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which pulls a cached snapshot already satisfies, across the three ways of selecting files. */
class ManifestTest {
    static final ModelRef PIPELINE = ModelRef.parse("a/b");
    static final ModelRef ALL = PIPELINE.withAllFiles();
    static final ModelRef PATTERNS = PIPELINE.withIncludePatterns(List.of("unet/*"));
    static final HubFile FILE = new HubFile("unet/model.onnx", 3, "0".repeat(40), null);

    @Test
    void aManifestWrittenBeforeSelectionsExisted_withoutPatterns_holdsEveryFile() {
        Manifest old = Manifest.fromJson("{\"format\":1,\"repo\":\"a/b\",\"commit\":\"c\",\"revisions\":[],"
                + "\"includePatterns\":[],\"complete\":true,\"files\":[{\"path\":\"unet/model.onnx\",\"size\":3}]}");

        assertThat(old.pipelineFiles()).isFalse();
        assertThat(old.allFiles()).isTrue();
        assertThat(List.of(PIPELINE, ALL, PATTERNS)).allMatch(old::covers);
    }

    @Test
    void aPipelinePull_coversLaterPipelinePulls_butNotEveryFileNorOtherPatterns() {
        Manifest pipeline = Manifest.firstPull(PIPELINE, "c", List.of(FILE));

        assertThat(pipeline.covers(PIPELINE)).isTrue();
        assertThat(pipeline.covers(ALL)).isFalse();
        assertThat(pipeline.covers(PATTERNS)).isFalse();
        assertThat(Manifest.fromJson(pipeline.toJson())).isEqualTo(pipeline);
    }

    @Test
    void merging_unitesSelections_andAnAllFilesPullCoversEverything() {
        Manifest both = Manifest.firstPull(PATTERNS, "c", List.of(FILE)).mergedWith(PIPELINE, List.of());

        assertThat(both.covers(PIPELINE)).isTrue();
        assertThat(both.covers(PATTERNS)).isTrue();
        assertThat(both.covers(ALL)).isFalse();
        assertThat(both.mergedWith(ALL, List.of()).allFiles()).isTrue();
        assertThat(both.mergedWith(ALL, List.of()).covers(ALL)).isTrue();
    }
}
