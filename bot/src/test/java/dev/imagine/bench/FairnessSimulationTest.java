package dev.imagine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.bench.FairnessSimulation.Config;
import dev.imagine.bench.FairnessSimulation.Report;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the fairness benchmark's properties in CI: fixed seeds and a virtual clock, so every run is the same. */
class FairnessSimulationTest {

    /**
     * The benchmark's own run (six hours, fixed seed) meets the targets. The p95 target sits close to what
     * any non-preemptive queue can reach on this workload (see bench/fairness/README.md): other seeds land between
     * about 0.2 and 0.35, so a change that moves this figure deserves a look at the long run below.
     */
    @Test
    void standardRun_meetsTheTargets() {
        Report report = FairnessSimulation.run(Config.standard());

        assertThat(report.p95Ratio()).isLessThanOrEqualTo(0.25);
        assertThat(report.fair().jainMean()).isGreaterThanOrEqualTo(0.95);
        assertThat(report.meetsTargets()).isTrue();
    }

    /** Over two simulated days the figures stop depending on the seed. */
    @Test
    void longRun_lightUsersWaitLittleMoreThanUnderLightFirst_andServiceStaysFair() {
        Report report = FairnessSimulation.run(Config.standard().withHorizon(Duration.ofHours(48)));

        assertThat(report.fair().lightWaitP50()).isLessThanOrEqualTo(0.15 * report.fifo().lightWaitP50());
        assertThat(report.p95Ratio()).isLessThanOrEqualTo(0.30);
        assertThat(report.fair().lightWaitP95()).isLessThanOrEqualTo(1.2 * report.lightFirst().lightWaitP95());
        assertThat(report.fair().jainMean()).isGreaterThanOrEqualTo(0.95);
        assertThat(report.fair().jainMean()).isGreaterThan(report.fifo().jainMean());
    }

    /**
     * With preemption at step boundaries a light user no longer waits for the rest of a heavy job, so the p95
     * target holds over a long run, where the non-preemptive queues (even light first) stay above it. Seeds 1 to 5
     * give 0.18 to 0.20 over 100 hours (bench/fairness/README.md).
     */
    @Test
    void longRunWithPreemption_meetsTheP95Target_andStaysFair() {
        Report report = FairnessSimulation.run(Config.standard().withHorizon(Duration.ofHours(100)));

        assertThat(report.preemptingP95Ratio()).isLessThanOrEqualTo(0.25);
        assertThat(report.preempting().lightWaitP95()).isLessThan(report.lightFirst().lightWaitP95());
        assertThat(report.preempting().jainMean()).isGreaterThanOrEqualTo(0.95);
        assertThat(report.preempting().heavyShare()).isCloseTo(report.fair().heavyShare(), within(0.02));
        assertThat(report.preempting().preemptions()).isPositive();
        assertThat(report.fair().preemptions()).isZero();
    }

    @Test
    void run_isDeterministic() {
        assertThat(FairnessSimulation.format(FairnessSimulation.run(Config.standard())))
                .isEqualTo(FairnessSimulation.format(FairnessSimulation.run(Config.standard())));
    }

    @Test
    void jain_isOne_whenEveryBackloggedUserGetsTheirMaxMinFairShare() {
        Instant a = Instant.parse("2025-01-01T00:00:00Z");
        // light asks for 40 s and gets it; heavy asks for more than the rest and gets the rest (60 s).
        List<FairnessSimulation.Job> jobs = List.of(
                job("light", a, a, 40), job("heavy", a, a.plusSeconds(40), 60), job("heavy", a, a.plusSeconds(100), 60));

        assertThat(FairnessSimulation.jain(jobs, a, a.plusSeconds(100))).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void jain_isOneOverN_whenOneBackloggedUserGetsEverything() {
        Instant a = Instant.parse("2025-01-01T00:00:00Z");
        List<FairnessSimulation.Job> jobs = List.of(
                job("heavy", a, a, 100), job("light1", a, a.plusSeconds(100), 40),
                job("light2", a, a.plusSeconds(140), 40));

        // Only heavy was served: x = (2, 0, 0) against fair shares (50, 25, 25) -> J = 4 / (3 * 4) = 1/3.
        assertThat(FairnessSimulation.jain(jobs, a, a.plusSeconds(100))).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void maxMinFair_givesSmallDemandsInFull_andSplitsTheRestEqually() {
        assertThat(FairnessSimulation.maxMinFair(Map.of("a", 10.0, "b", 100.0, "c", 100.0), 100))
                .containsEntry("a", 10.0).containsEntry("b", 45.0).containsEntry("c", 45.0);
    }

    @Test
    void percentile_isNearestRank() {
        double[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
        assertThat(FairnessSimulation.percentile(values, 50)).isEqualTo(10);
        assertThat(FairnessSimulation.percentile(values, 95)).isEqualTo(19);
    }

    private static FairnessSimulation.Job job(String user, Instant arrival, Instant start, long seconds) {
        FairnessSimulation.Job job = new FairnessSimulation.Job(user + start, user, arrival, Duration.ofSeconds(seconds));
        job.start = start;
        job.end = start.plusSeconds(seconds);
        return job;
    }
}
