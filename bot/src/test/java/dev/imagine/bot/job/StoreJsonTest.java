package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bot.safety.SafetyCheck;
import org.junit.jupiter.api.Test;

/** What the job store keeps with a job reads back as it was written. */
class StoreJsonTest {

    @Test
    void aSafetyCheck_roundTripsThroughTheStoresJson() throws Exception {
        SafetyCheck check = SafetyCheck.of("nsfw", 0.8077f, 0.5, "onnx-community/nsfw_image_detection-ONNX@1ceb3c7");

        assertThat(StoreJson.read(StoreJson.write(check), SafetyCheck.class)).isEqualTo(check);
    }
}
