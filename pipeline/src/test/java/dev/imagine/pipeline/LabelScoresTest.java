package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelScoresTest {

    @Test
    void fromLogits_givesTheSoftmax_evenForLogitsThatWouldOverflowExp() {
        LabelScores scores = LabelScores.fromLogits(List.of("normal", "nsfw"), new float[] {1000f, 1000f + (float) Math.log(3)});

        assertThat(scores.probabilities()[0]).isCloseTo(0.25f, within(1e-4f));
        assertThat(scores.probabilities()[1]).isCloseTo(0.75f, within(1e-4f));
    }

    @Test
    void probability_findsTheLabelIgnoringCase_andOtherwiseNamesTheLabelsThereAre() {
        LabelScores scores = LabelScores.fromLogits(List.of("Normal", "NSFW"), new float[] {0f, 0f});

        assertThat(scores.indexOf("nsfw")).isEqualTo(1);
        assertThat(scores.probability("normal")).isEqualTo(0.5f);
        assertThat(scores.indexOf("porn")).isEqualTo(-1);
        assertThatThrownBy(() -> scores.probability("porn"))
                .hasMessage("no label 'porn'; the labels are Normal, NSFW");
    }

    @Test
    void arrays_areCopied_soAResultCannotBeChangedAfterwards() {
        float[] logits = {1f, 2f};
        LabelScores scores = LabelScores.fromLogits(List.of("a", "b"), logits);
        logits[0] = 99f;
        scores.logits()[1] = 99f;

        assertThat(scores.logits()).containsExactly(1f, 2f);
    }
}
