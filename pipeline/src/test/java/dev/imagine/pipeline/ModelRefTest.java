package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelRefTest {

    @Test
    void parse_ofTheDefaultRepoWithoutRevision_keepsItsPinnedCommitAndPatterns() {
        ModelRef ref = ModelRef.parse("SimianLuo/LCM_Dreamshaper_v7");

        assertThat(ref).isEqualTo(ModelRef.LCM_DREAMSHAPER_V7);
        assertThat(ref.isPinned()).isTrue();
        assertThat(ref.includePatterns()).contains("unet/model.onnx_data", "tokenizer/*")
                .noneMatch(p -> p.contains("safetensors"));
    }

    @Test
    void parse_withRevision_usesItAndKeepsTheKnownPatterns() {
        ModelRef ref = ModelRef.parse("SimianLuo/LCM_Dreamshaper_v7@main");

        assertThat(ref.revision()).isEqualTo("main");
        assertThat(ref.isPinned()).isFalse();
        assertThat(ref.includePatterns()).isEqualTo(ModelRef.LCM_DREAMSHAPER_V7.includePatterns());
        assertThat(ref).hasToString("SimianLuo/LCM_Dreamshaper_v7@main");
    }

    @Test
    void parse_ofAnotherRepo_takesTheFilesThePipelineReadsOfMain() {
        assertThat(ModelRef.parse("someone/taesd-like"))
                .isEqualTo(new ModelRef("someone/taesd-like", "main", List.of(), ModelRef.Selection.PIPELINE));
        assertThat(ModelRef.parse("someone/model@v2").selection()).isEqualTo(ModelRef.Selection.PIPELINE);
    }

    @Test
    void withAllFiles_takesEveryFile_evenOfAWellKnownRepository() {
        ModelRef all = ModelRef.LCM_DREAMSHAPER_V7.withAllFiles();

        assertThat(all.selection()).isEqualTo(ModelRef.Selection.ALL);
        assertThat(all.includePatterns()).isEmpty();
        assertThat(all.revision()).isEqualTo(ModelRef.LCM_DREAMSHAPER_V7.revision());
        assertThat(all.withRevision("main").selection()).isEqualTo(ModelRef.Selection.ALL);
    }

    @Test
    void includePatterns_goWithThePatternSelectionOnly() {
        assertThat(new ModelRef("a/b", "main", List.of()).selection()).as("no patterns: every file, as before")
                .isEqualTo(ModelRef.Selection.ALL);
        assertThat(new ModelRef("a/b", "main", List.of("x")).selection()).isEqualTo(ModelRef.Selection.PATTERNS);
        assertThatThrownBy(() -> new ModelRef("a/b", "main", List.of(), ModelRef.Selection.PATTERNS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no include patterns");
        assertThatThrownBy(() -> new ModelRef("a/b", "main", List.of("x"), ModelRef.Selection.PIPELINE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PATTERNS");
    }

    @Test
    void parse_ofTheTaesdRepo_fetchesOnlyTheDecoderFolder() {
        assertThat(ModelRef.parse("deinferno/taesd-onnx").includePatterns())
                .containsExactly("vae_decoder/model.onnx", "vae_decoder/*");
    }

    @Test
    void constructor_rejectsIdsThatAreNotOwnerSlashName() {
        assertThatThrownBy(() -> ModelRef.parse("just-a-name")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("owner/name");
        assertThatThrownBy(() -> ModelRef.parse("a/b/c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelRef.parse("owner/name@")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelRef("owner/name", "../x", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
