package dev.imagine.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRulesTest {

    @Test
    void aSeed_isWhatTorchsGeneratorDistinguishes_theLow32Bits() {
        assertThat(RequestRules.seedFrom(-1L)).isEqualTo(RequestRules.MAX_SEED).isEqualTo(4_294_967_295L);
        assertThat(RequestRules.seedFrom(0x1_0000_002AL)).isEqualTo(42);
        assertThat(RequestRules.seedInRange(0)).isTrue();
        assertThat(RequestRules.seedInRange(4_294_967_296L)).isFalse();
        assertThat(RequestRules.seedInRange(-1)).isFalse();
    }

    @Test
    void aSide_isAMultipleOf8_fromTheSmallestUpToTheLimit() {
        assertThat(RequestRules.sideAllowed(256, 1024)).isTrue();
        assertThat(RequestRules.sideAllowed(1024, 1024)).isTrue();
        assertThat(RequestRules.sideAllowed(1024, 768)).isFalse();
        assertThat(RequestRules.sideAllowed(250, 1024)).isFalse();
        assertThat(RequestRules.sideAllowed(260, 1024)).isFalse();
    }

    @Test
    void theSizeChoices_withinTheLimits_alwaysOfferTheDefaultSize() {
        assertThat(RequestRules.sizesWithin(Limits.DEFAULTS, ImageSize.SQUARE_512))
                .isEqualTo(RequestRules.SIZE_CHOICES);
        assertThat(RequestRules.sizesWithin(new Limits(8, 384, 4, 1000), new ImageSize(320, 256)))
                .containsExactly(new ImageSize(384, 384), new ImageSize(256, 256), new ImageSize(320, 256));
        for (ImageSize size : RequestRules.SIZE_CHOICES) {
            assertThat(RequestRules.sideAllowed(size.width(), RequestRules.MAX_SIDE)).as(size.toString()).isTrue();
            assertThat(RequestRules.sideAllowed(size.height(), RequestRules.MAX_SIDE)).as(size.toString()).isTrue();
        }
    }

    @Test
    void theFastDecoder_isAChoiceOnlyWhereItIsInstalled() {
        assertThat(RequestRules.decoders(false)).isEqualTo(List.of(Decoder.FULL));
        assertThat(RequestRules.decoders(true)).isEqualTo(List.of(Decoder.FULL, Decoder.FAST));
    }

    @Test
    void numbers_areWrittenAsPeopleWriteThem() {
        assertThat(RequestRules.number(8f)).isEqualTo("8");
        assertThat(RequestRules.number(7.5f)).isEqualTo("7.5");
    }
}
