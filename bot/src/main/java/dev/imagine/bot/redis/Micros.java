package dev.imagine.bot.redis;

import java.time.Duration;
import java.time.Instant;

/** Times and durations as Redis keeps them: integer microseconds (since the epoch for instants). */
final class Micros {
    private Micros() {
    }

    static long of(Duration d) {
        return d.getSeconds() * 1_000_000 + d.getNano() / 1_000;
    }

    static long of(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    static Duration duration(long us) {
        return Duration.ofNanos(us * 1_000);
    }

    static Instant instant(long us) {
        return Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000), Math.floorMod(us, 1_000_000) * 1_000);
    }
}
