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
    void parse_ofAnotherRepo_takesEveryFileOfMain() {
        assertThat(ModelRef.parse("someone/taesd-like"))
                .isEqualTo(new ModelRef("someone/taesd-like", "main", List.of()));
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
