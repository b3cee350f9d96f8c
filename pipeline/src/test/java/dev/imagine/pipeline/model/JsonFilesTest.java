package dev.imagine.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.pipeline.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration files whose values change shape, read as maps, strictly all the same. */
class JsonFilesTest {
    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        return Files.writeString(dir.resolve("preprocessor_config.json"), json);
    }

    @Test
    void readObject_keepsEachValueInTheShapeItWasWritten() throws IOException {
        Map<String, Object> json = JsonFiles.readObject(file(
                "{\"size\": {\"height\": 224, \"width\": 224}, \"image_mean\": [0.5, 0.5, 0.5], \"resample\": 3,"
                        + " \"rescale_factor\": 0.00392156862745098, \"do_resize\": true}"));

        assertThat(json.get("size")).isEqualTo(Map.of("height", 224, "width", 224));
        assertThat(json.get("image_mean")).isEqualTo(List.of(0.5, 0.5, 0.5));
        assertThat(JsonFiles.intValue(json, "resample", 2, dir)).isEqualTo(3);
        assertThat(JsonFiles.intValue(json, "absent", 2, dir)).isEqualTo(2);
        assertThat(JsonFiles.doubleValue(json, "rescale_factor", 1, dir)).isCloseTo(1 / 255.0, within(1e-12));
        assertThatThrownBy(() -> JsonFiles.intValue(json, "rescale_factor", 2, dir))
                .isInstanceOf(PipelineException.class).hasMessageContaining("'rescale_factor' must be an integer");
        assertThatThrownBy(() -> JsonFiles.doubleValue(json, "do_resize", 2, dir))
                .isInstanceOf(PipelineException.class).hasMessageContaining("'do_resize' must be a number");
    }

    @Test
    void readObject_refusesWhatIsNotStrictJsonOrNotAnObject() throws IOException {
        assertThatThrownBy(() -> JsonFiles.readObject(file("{\"size\": 224, \"size\": 256}")))
                .isInstanceOf(PipelineException.class).hasMessageContaining("preprocessor_config.json");
        assertThatThrownBy(() -> JsonFiles.readObject(file("{\"size\": 224} trailing")))
                .isInstanceOf(PipelineException.class).hasMessageContaining("preprocessor_config.json");
        assertThatThrownBy(() -> JsonFiles.readObject(file("[224]")))
                .isInstanceOf(PipelineException.class).hasMessageContaining("expected an object");
        assertThatThrownBy(() -> JsonFiles.readObject(dir.resolve("missing.json")))
                .isInstanceOf(PipelineException.class).hasMessageContaining("missing file");
    }
}
