package dev.imagine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imagine.bench.ScaleThroughput.Figures;
import dev.imagine.bench.ScaleThroughput.Phase;
import dev.imagine.bench.ScaleThroughput.Picture;
import dev.imagine.bot.queue.QueueSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of bench/scale's real run (the processes themselves run only by hand): what counts as inside the
 * measured window, the percentiles, the heavy user's share, the speed-up, the simulated FIFO on the measured arrivals,
 * and reading CPU time from /proc. Nothing here is timed.
 */
class ScaleThroughputTest {
    static final double NO = Double.NaN;

    static Picture heavy(String id, double created, double started, double finished) {
        return new Picture(id, "heavy", true, created, started, finished);
    }

    static Picture light(String id, double created, double started, double finished) {
        return new Picture(id, "light0", false, created, started, finished);
    }

    static Phase phase(int workers, double warmUp, double window, List<Picture> pictures) {
        return new Phase(workers, warmUp, window, pictures, 0, new int[workers], new double[workers], 0, 0, 0,
                "0.00 0.00 0.00", "0.00 0.00 0.00");
    }

    @Test
    void figures_countOnlyThePicturesFinishedInsideTheWindow_perMinute() {
        List<Picture> pictures = List.of(heavy("warm-up", 0, 1, 5), heavy("a", 0, 10, 15), heavy("b", 0, 25, 30),
                heavy("c", 0, 65, 69.9), heavy("after", 0, 66, 70), heavy("never", 0, 68, NO));

        Figures f = ScaleThroughput.figures(phase(2, 10, 60, pictures));

        assertThat(f.pictures()).isEqualTo(3);
        assertThat(f.perMinute()).isEqualTo(3.0);
        assertThat(f.perMinutePerWorker()).isEqualTo(1.5);
        assertThat(f.meanService()).isCloseTo((5 + 5 + 4.9) / 3, within(1e-9));
    }

    @Test
    void figures_lightWaitsAreNearestRankPercentilesOfThoseSubmittedInTheWindow_andOneNeverStartedIsCounted() {
        List<Picture> pictures = new ArrayList<>();
        pictures.add(light("before the window", 5, 100, 101)); // submitted in the warm-up: not counted
        for (int i = 1; i <= 20; i++) {
            pictures.add(light("l" + i, 10 + i, 10 + i + i, 10 + i + i + 1)); // waits 1 to 20 s
        }
        pictures.add(light("stuck", 40, NO, NO));

        Figures f = ScaleThroughput.figures(phase(1, 10, 60, pictures));

        assertThat(f.lightJobs()).isEqualTo(21);
        assertThat(f.lightNeverStarted()).isEqualTo(1);
        assertThat(f.lightP50()).isEqualTo(10); // rank ceil(0.5 * 20) = 10
        assertThat(f.lightP95()).isEqualTo(19); // rank ceil(0.95 * 20) = 19
    }

    @Test
    void figures_heavyShareCountsOnlyTheServiceInsideTheWindow() {
        // Heavy: 5 of its 10 s inside [10, 70); light: 5 s inside.
        List<Picture> pictures = List.of(heavy("h", 0, 5, 15), light("l", 20, 20, 25));

        assertThat(ScaleThroughput.figures(phase(1, 10, 60, pictures)).heavyShare()).isEqualTo(0.5);
    }

    @Test
    void report_givesTheSpeedUpOverOneWorker_andEachWorkersPictures() {
        Phase one = phase(1, 0, 60, List.of(heavy("a", 0, 0, 1), heavy("b", 0, 1, 2)));
        Phase two = phase(2, 0, 60, List.of(heavy("c", 0, 0, 1), heavy("d", 0, 0, 1), heavy("e", 0, 1, 2)));
        two.picturesPerWorker()[0] = 2;
        two.picturesPerWorker()[1] = 1;

        String report = ScaleThroughput.report("", List.of(one, two),
                List.of(ScaleThroughput.figures(one), ScaleThroughput.figures(two)));

        assertThat(report).contains("| 1 | 2 (0) | 2.0 | 2.0 | 1.00x |").contains("| 2 | 3 (2 + 1) | 3.0 | 1.5 | 1.50x |");
    }

    /**
     * On one worker with 1 s pictures, a light picture that arrives half-way through a heavy one waits for its rest
     * and for the three the heavy user keeps waiting: 0.5 + 3 s.
     */
    @Test
    void simulatedFifo_onTheMeasuredArrivals_makesALightPictureWaitBehindTheHeavyUsersThree() {
        // The simulation's workers start at its first event: a light picture at once, in the warm-up, not measured.
        List<Picture> pictures = List.of(heavy("h0", 0, 0, 1), heavy("h1", 0, 1, 2), light("early", 0, 3, 4),
                light("l", 10.5, 11, 12));

        var fifo = ScaleThroughput.simulatedFifo(phase(1, 5, 20, pictures), 1);

        assertThat(fifo.lightJobsServed()).isEqualTo(1);
        assertThat(fifo.lightWaitP95()).isEqualTo(3.5);
    }

    @Test
    void lightUsers_askTogetherForAThirdOfTheWorkers() {
        assertThat(ScaleThroughput.lightMeanInterval(2, 10, 1)).isCloseTo(60, within(1e-9));
        assertThat(ScaleThroughput.lightMeanInterval(2, 10, 2)).isCloseTo(30, within(1e-9));

        List<Double> arrivals = ScaleThroughput.poissonArrivals(new Random(7), 10, 100_000);
        assertThat(arrivals).isSorted().allMatch(t -> t >= 0 && t < 100_000);
        assertThat(arrivals.size()).isBetween(9_700, 10_300); // mean interval 10 s, within 3 %
    }

    @Test
    void scaledSettings_shrinkTheShippedTimesWithThePicture_butKeepTheLimitsAndTheAgingRate() {
        QueueSettings tenth = ScaleThroughput.scaledSettings(4); // a tenth of bench/fairness's 40 s picture

        assertThat(tenth.preemption().margin()).isEqualTo(12.0);
        assertThat(tenth.usageHalfLife()).isEqualTo(Duration.ofMinutes(6));
        assertThat(tenth.perUserLimit()).isEqualTo(QueueSettings.DEFAULTS.perUserLimit());
        assertThat(tenth.agingRate()).isEqualTo(QueueSettings.DEFAULTS.agingRate());
        assertThat(tenth.preemption().maxPerJob()).isEqualTo(QueueSettings.DEFAULTS.preemption().maxPerJob());
        // config.yaml allows no half-life under a minute.
        assertThat(ScaleThroughput.scaledSettings(0.4).usageHalfLife()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void cpuSeconds_countsTheFieldsAfterTheLastParenthesis_soAnOddCommandNameShiftsNothing() {
        String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 7 8 20 0 12 0 1000";

        assertThat(ScaleThroughput.cpuSeconds(stat, 100)).isEqualTo(3.0);
    }

    @Test
    void machineTicks_countIdleAndIowaitAsIdle_andGuestTimeOnlyOnce() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        long[] ticks = ScaleThroughput.machineTicks("cpu  100 5 50 1000 20 3 2 1 7 0");

        assertThat(ticks).containsExactly(161, 1181);
    }
}
