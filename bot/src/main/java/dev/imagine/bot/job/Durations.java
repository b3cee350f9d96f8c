package dev.imagine.bot.job;

import java.time.Duration;

/** Durations in the words people read in chat: "about 40 s", "about 3 min". */
public final class Durations {
    private Durations() {
    }

    /** "starting now", "about 40 s", "about 3 min", "about 1 h 20 min". */
    public static String about(Duration wait) {
        long seconds = Math.max(0, wait.toSeconds());
        if (seconds < 5) {
            return "starting now";
        }
        return "about " + words(Duration.ofSeconds(seconds));
    }

    /** "40 s", "3 min", "1 h 20 min": seconds below two minutes, then rounded minutes. */
    public static String words(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 120) {
            return seconds + " s";
        }
        long minutes = Math.round(seconds / 60.0);
        if (minutes < 60) {
            return minutes + " min";
        }
        return minutes / 60 + " h" + (minutes % 60 == 0 ? "" : " " + minutes % 60 + " min");
    }
}
