package dev.imagine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imagine.bench.FairnessSimulation.Config;
import dev.imagine.bench.FairnessSimulation.Report;
import dev.imagine.bench.ScaleSimulation.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keeps bench/scale's fairness properties in CI, on a real redis-server (fixed seed, virtual clock, so every run is
 * the same): the Redis queue shared by several workers stays as fair as the embedded queue is on one.
 */
class ScaleSimulationTest {

    /** The Lua policy is the embedded one: on one worker, bench/fairness's figures to the last digit. */
    @Test
    void oneWorkerOnRedis_givesTheEmbeddedQueuesFigures_withAndWithoutPreemption() {
        Report embedded = FairnessSimulation.run(Config.standard());
        Row redis = ScaleSimulation.run(Config.standard(), List.of(1)).get(0);

        assertThat(redis.fair().lightWaitP50()).isEqualTo(embedded.fair().lightWaitP50());
        assertThat(redis.fair().lightWaitP95()).isEqualTo(embedded.fair().lightWaitP95());
        assertThat(redis.fair().jainMean()).isEqualTo(embedded.fair().jainMean());
        assertThat(redis.preempting().lightWaitP95()).isEqualTo(embedded.preempting().lightWaitP95());
        assertThat(redis.preempting().preemptions()).isEqualTo(embedded.preempting().preemptions());
        assertThat(redis.fifo().lightWaitP95()).isEqualTo(embedded.fifo().lightWaitP95());
    }

    /**
     * With 2 and 3 workers the light users wait at most a quarter of FIFO's p95 (with preemption at step boundaries,
     * as the job service runs: without it not even "light first" reaches the target once FIFO has several workers
     * too), service stays fair, and the heavy user gets no more of the machines than under FIFO: more workers do not
     * hand them more than their share.
     */
    @Test
    void moreWorkers_keepTheTargets_andGiveTheHeavyUserNoMoreThanTheirShare() {
        for (Row row : ScaleSimulation.run(Config.standard(), List.of(2, 3))) {
            assertThat(row.preemptingMeetsTargets()).as("%d workers: %s", row.workers(), row).isTrue();
            assertThat(row.fair().jainMean()).as("%d workers", row.workers()).isGreaterThanOrEqualTo(0.95);
            // Within half a point: the light users ask for a third, so both leave the heavy user the other two
            // thirds; what differs is only which jobs straddle the end of the measured hours.
            assertThat(row.preempting().heavyShare()).as("%d workers", row.workers())
                    .isLessThanOrEqualTo(row.fifo().heavyShare() + 0.005);
            assertThat(row.fair().lightWaitP95()).isLessThan(row.fifo().lightWaitP95() / 3);
        }
    }
}
