package dev.imagine.bench;

import dev.imagine.bot.testing.TestGenerator;
import java.time.Duration;

/**
 * The load benchmark's stand-in for the model: the tests' fake generator (small real PNGs with the request's text),
 * with each denoising step keeping one core busy for {@code perStep} of wall time, so that the queue fills as it
 * would on a real machine without the benchmark running a model. The front door and the queue are what is measured.
 */
final class PacedGenerator {
    private PacedGenerator() {
    }

    static TestGenerator of(Duration perStep) {
        return TestGenerator.fake().withStepWork(() -> busy(perStep));
    }

    /**
     * Keeps the worker's thread busy for {@code perStep} of wall time, as a model keeps the CPU busy: the job is
     * charged the CPU time it got (fair-share usage), and the front door competes with it for the cores.
     */
    private static void busy(Duration perStep) {
        long until = System.nanoTime() + perStep.toNanos();
        long spin = 0;
        while (System.nanoTime() < until) {
            spin += Long.numberOfTrailingZeros(spin + 1);
        }
        if (spin == 42) {
            Thread.onSpinWait(); // keeps the loop from being optimised away
        }
    }
}
