package dev.imagine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A generation stepped with interruptions gives the same pixels as one that ran through. */
class ResumableGenerationTest {
    private static ImageGenerator generator;

    @BeforeAll
    static void load() {
        generator = ImageGenerator.open(LcmPipelineTest.TINY, new PipelineOptions(2));
    }

    @AfterAll
    static void close() {
        generator.close();
    }

    private static List<byte[]> pngs(GenerationResult result) {
        return result.images().stream().map(GeneratedImage::png).toList();
    }

    @Test
    void twoGenerationsInterleavedStepByStep_giveTheBytesOfUninterruptedGenerate() {
        GenerationRequest heavy = new GenerationRequest("a lighthouse at dusk", 42, 3, 8f, 256, 256, 2);
        GenerationRequest light = new GenerationRequest("a red boat", 7, 2, 8f, 256, 256, 1);
        List<byte[]> heavyAlone = pngs(generator.generate(heavy));
        List<byte[]> lightAlone = pngs(generator.generate(light));

        List<Integer> heavySteps = new ArrayList<>();
        try (Generation first = generator.begin(heavy)) {
            first.step(p -> heavySteps.add(p.step()));
            first.step(p -> heavySteps.add(p.step()));
            // Parked in the middle of its first image; the light request runs through, stepping twice.
            List<byte[]> lightInterleaved;
            try (Generation second = generator.begin(light)) {
                assertThat(second.totalSteps()).isEqualTo(2);
                first.step(p -> heavySteps.add(p.step()));
                second.step(ProgressListener.NONE);
                first.step(p -> heavySteps.add(p.step()));
                second.step(ProgressListener.NONE);
                assertThat(second.step(ProgressListener.NONE)).isFalse();
                lightInterleaved = pngs(second.finish());
            }
            while (first.step(p -> heavySteps.add(p.step()))) {
                // the rest
            }
            assertThat(first.stepsDone()).isEqualTo(6);
            assertThat(heavySteps).containsExactly(1, 2, 3, 4, 5, 6);

            assertThat(pngs(first.finish())).containsExactlyElementsOf(heavyAlone);
            assertThat(lightInterleaved).containsExactlyElementsOf(lightAlone);
        }
    }

    @Test
    void finishBeforeTheLastStep_isRefused_andCancellationLeavesTheGenerationWhereItWas() {
        try (Generation generation = generator.begin(new GenerationRequest("a boat", 1, 2, 8f, 256, 256, 1))) {
            generation.step(ProgressListener.NONE);

            assertThatThrownBy(generation::finish).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> generation.step(ProgressListener.NONE, () -> true))
                    .isInstanceOf(GenerationCancelledException.class);
            assertThat(generation.stepsDone()).isEqualTo(1);
            assertThat(generation.step(ProgressListener.NONE)).isTrue();
            assertThat(generation.finish().images()).hasSize(1);
        }
    }

    @Test
    void run_pausedBetweenSteps_goesOnWhereItStopped_andGivesTheBytesOfGenerate() {
        GenerationRequest request = new GenerationRequest("a lighthouse at dusk", 42, 2, 8f, 256, 256, 2);
        List<byte[]> alone = pngs(generator.generate(request));
        List<Integer> steps = new ArrayList<>();
        List<Integer> askedToPauseAfter = new ArrayList<>();

        try (Generation generation = generator.begin(request)) {
            StepControl pauseAfterTwo = new StepControl(p -> steps.add(p.step()), CancellationSignal.NEVER, () -> {
                askedToPauseAfter.add(generation.stepsDone());
                return generation.stepsDone() == 2;
            });

            assertThat(generation.run(pauseAfterTwo)).as("paused").isFalse();
            assertThat(generation.stepsDone()).isEqualTo(2);
            assertThat(generation.run(pauseAfterTwo)).as("ran to the end").isTrue();

            assertThat(steps).containsExactly(1, 2, 3, 4);
            assertThat(askedToPauseAfter).as("between two steps only").containsExactly(1, 2, 3);
            assertThat(pngs(generation.finish())).containsExactlyElementsOf(alone);
        }
    }

    @Test
    void run_cancelledDuringTheLastStep_stopsBeforeDecoding() {
        boolean[] cancelled = {false};
        try (Generation generation = generator.begin(new GenerationRequest("a boat", 1, 2, 8f, 256, 256, 1))) {
            StepControl control = StepControl.of(p -> cancelled[0] = p.step() == 2, () -> cancelled[0]);

            assertThatThrownBy(() -> generation.run(control)).isInstanceOf(GenerationCancelledException.class)
                    .hasMessageContaining("after 2 of 2 steps");
            assertThat(generation.denoised()).isTrue();
        }
    }
}
