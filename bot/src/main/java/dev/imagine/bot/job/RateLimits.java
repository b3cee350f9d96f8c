package dev.imagine.bot.job;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Token buckets, one per person (and one per person and community where the community set a lower limit): a bucket
 * holds up to {@code capacity} pictures and refills evenly, {@code capacity} per window, so a person may draw a
 * burst and then keeps a steady pace. Kept in memory: a restart fills every bucket. Time comes from the clock given.
 */
final class RateLimits {
    /** Forget buckets (they are full again) once this many are kept. */
    private static final int TIDY_ABOVE = 10_000;

    /** One limit a request must fit: the bucket {@code key} holding {@code capacity} per {@code window}. */
    record Limit(String key, int capacity, Duration window) {
    }

    /** The limit that refused, and how long until enough has refilled. */
    record Wait(Limit limit, Duration duration) {
    }

    private static final class Bucket {
        double tokens;
        Instant at;

        Bucket(double tokens, Instant at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final InstantSource clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    RateLimits(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * Takes {@code cost} pictures from every bucket of {@code limits}, or from none: empty when all had enough,
     * else the limit that waits longest and that wait. A cost above a limit's capacity never fits (the wait is
     * then the whole window: the caller says to ask for fewer).
     */
    synchronized Optional<Wait> take(List<Limit> limits, int cost) {
        Instant now = clock.instant();
        Wait longest = null;
        for (Limit limit : limits) {
            double tokens = refilled(limit, now);
            if (tokens + 1e-9 < cost) {
                Duration wait = cost > limit.capacity() ? limit.window()
                        : Duration.ofNanos((long) Math.ceil((cost - tokens) * perToken(limit)));
                if (longest == null || wait.compareTo(longest.duration()) > 0) {
                    longest = new Wait(limit, wait);
                }
            }
        }
        if (longest != null) {
            return Optional.of(longest);
        }
        for (Limit limit : limits) {
            double tokens = refilled(limit, now);
            buckets.put(limit.key(), new Bucket(tokens - cost, now));
        }
        if (buckets.size() > TIDY_ABOVE) {
            tidy(limits, now);
        }
        return Optional.empty();
    }

    /** Puts {@code cost} pictures back into every bucket of {@code limits} (never above its capacity). */
    synchronized void giveBack(List<Limit> limits, int cost) {
        Instant now = clock.instant();
        for (Limit limit : limits) {
            if (buckets.containsKey(limit.key())) {
                buckets.put(limit.key(), new Bucket(Math.min(limit.capacity(), refilled(limit, now) + cost), now));
            }
        }
    }

    private double refilled(Limit limit, Instant now) {
        Bucket bucket = buckets.get(limit.key());
        if (bucket == null) {
            return limit.capacity();
        }
        double elapsed = Math.max(0, Duration.between(bucket.at, now).toNanos());
        return Math.min(limit.capacity(), bucket.tokens + elapsed / perToken(limit));
    }

    /** Nanoseconds to refill one picture. */
    private static double perToken(Limit limit) {
        return (double) limit.window().toNanos() / limit.capacity();
    }

    /** Drops the buckets that have not been used for a whole window of the longest limit: they are full again. */
    private void tidy(List<Limit> limits, Instant now) {
        Duration longest = limits.stream().map(Limit::window).max(Duration::compareTo).orElse(Duration.ZERO);
        buckets.values().removeIf(b -> Duration.between(b.at, now).compareTo(longest) > 0);
    }
}
