package dev.imagine.testing;

import static dev.imagine.testing.Generated.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedTest {

    @Test
    void forAll_failsOnTheFirstInputThatBreaksTheProperty_namingItsSeedAndTheInput() {
        assertThatThrownBy(() -> forAll("no sevens", 1000, g -> g.intBetween(0, 9),
                n -> assertThat(n).isNotEqualTo(7)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("property 'no sevens' failed")
                .hasMessageContaining("(seed ")
                .hasMessageContaining("for input: \"7\"");
    }

    @Test
    void forAll_givesTheSameInputsOnEveryRun_soAFailureCanBeReplayed() {
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        forAll("replay", 50, g -> g.anyString(12), first::add);
        forAll("replay", 50, g -> g.anyString(12), second::add);

        assertThat(first).isEqualTo(second).hasSize(50);
        assertThat(first.stream().distinct().count()).as("different inputs").isGreaterThan(40);
    }

    @Test
    void anyString_reachesControlCharactersSurrogatesAndEmoji() {
        StringBuilder all = new StringBuilder();
        forAll("reach", 500, g -> g.anyString(20), all::append);

        assertThat(all.chars().anyMatch(c -> c < 0x20)).as("a control character").isTrue();
        assertThat(all.chars().anyMatch(c -> Character.isSurrogate((char) c))).as("a surrogate").isTrue();
        assertThat(all.codePoints().anyMatch(c -> c >= 0x1f300)).as("an emoji").isTrue();
    }

    @Test
    void intBetween_reachesTheLargestInt_withoutOverflowing() {
        forAll("up to the largest int", 1000, g -> g.intBetween(Integer.MAX_VALUE - 1, Integer.MAX_VALUE),
                n -> assertThat(n).isBetween(Integer.MAX_VALUE - 1, Integer.MAX_VALUE));
    }

    @Test
    void mutated_changesACopy_andLeavesTheOriginal() {
        byte[] original = new byte[64];
        forAll("mutations", 1000, g -> g.mutated(original), changed -> assertThat(original).containsOnly(0));
    }
}
