package dev.imagine.bot.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How the fair-share queue admits and orders jobs.
 *
 * <p>Usage is measured in CPU-seconds: the time the worker spent on a job, where one job has the machine to itself
 * (it uses every core through intra-op threads). A job's estimated cost is in the same unit.
 *
 * @param perUserLimit  the most jobs one user may have waiting (not counting the one running)
 * @param totalLimit    the most jobs that may wait in total
 * @param usageHalfLife how fast recent usage is forgotten: usage charged now counts half after one half-life
 * @param agingRate     CPU-seconds of usage forgiven per second a user's oldest job has waited; see
 *                      {@link #DEFAULT_AGING_RATE}
 * @param preemption    when a running job yields to a waiting one at a step boundary ({@link Preemption#DEFAULTS}
 *                      unless given)
 */
public record QueueSettings(int perUserLimit, int totalLimit, Duration usageHalfLife, double agingRate,
                            Preemption preemption) {

    /**
     * Two seconds of waiting offset one CPU-second of usage.
     *
     * <p>A typical job (LCM, 4 steps, 512x512 on a desktop CPU) costs about 40 CPU-seconds, so a user who has had
     * one more job than another in the last hour catches up after about 80 s (two jobs' time) of extra waiting. Thus
     * usage decides between users whose usage differs by many jobs (someone who keeps the machine busy against
     * someone who asks now and then), and waiting time decides between users of similar usage.
     *
     * <p>It also bounds starvation. A user who kept the machine busy for hours carries about
     * {@code halfLife / ln 2} (about 5,200 CPU-seconds for a one-hour half-life). While they wait, that halves every
     * hour and aging forgives 1,800 more per hour, so even against an endless stream of new users with no usage at
     * all they are served after about 75 minutes. Without aging, decay alone would never bring them below a newcomer.
     */
    public static final double DEFAULT_AGING_RATE = 0.5;

    /** Three waiting jobs per user, fifty in total, a one-hour half-life and {@link #DEFAULT_AGING_RATE}. */
    public static final QueueSettings DEFAULTS = new QueueSettings(3, 50, Duration.ofHours(1), DEFAULT_AGING_RATE);

    /** With {@link Preemption#DEFAULTS}. */
    public QueueSettings(int perUserLimit, int totalLimit, Duration usageHalfLife, double agingRate) {
        this(perUserLimit, totalLimit, usageHalfLife, agingRate, Preemption.DEFAULTS);
    }

    public QueueSettings {
        Objects.requireNonNull(usageHalfLife, "usageHalfLife");
        Objects.requireNonNull(preemption, "preemption");
        if (perUserLimit < 1) {
            throw new IllegalArgumentException("perUserLimit must be at least 1, was " + perUserLimit);
        }
        if (totalLimit < 1) {
            throw new IllegalArgumentException("totalLimit must be at least 1, was " + totalLimit);
        }
        if (perUserLimit > totalLimit) {
            throw new IllegalArgumentException(
                    "perUserLimit (" + perUserLimit + ") must not exceed totalLimit (" + totalLimit + ")");
        }
        if (usageHalfLife.isNegative() || usageHalfLife.isZero()) {
            throw new IllegalArgumentException("usageHalfLife must be positive, was " + usageHalfLife);
        }
        if (!(agingRate >= 0) || Double.isInfinite(agingRate)) {
            throw new IllegalArgumentException("agingRate must be a finite number >= 0, was " + agingRate);
        }
    }

    public QueueSettings withPerUserLimit(int limit) {
        return new QueueSettings(limit, totalLimit, usageHalfLife, agingRate, preemption);
    }

    public QueueSettings withTotalLimit(int limit) {
        return new QueueSettings(perUserLimit, limit, usageHalfLife, agingRate, preemption);
    }

    public QueueSettings withUsageHalfLife(Duration halfLife) {
        return new QueueSettings(perUserLimit, totalLimit, halfLife, agingRate, preemption);
    }

    public QueueSettings withAgingRate(double rate) {
        return new QueueSettings(perUserLimit, totalLimit, usageHalfLife, rate, preemption);
    }

    public QueueSettings withPreemption(Preemption rule) {
        return new QueueSettings(perUserLimit, totalLimit, usageHalfLife, agingRate, rule);
    }
}
