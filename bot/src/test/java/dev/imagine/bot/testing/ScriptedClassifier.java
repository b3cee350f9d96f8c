package dev.imagine.bot.testing;

import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.safety.SafetyCheck;
import dev.imagine.pipeline.GeneratedImage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A picture classifier whose score the test sets: every picture it is shown gets that score for the label nsfw,
 * judged against the threshold as the real one judges. Counts how often it was asked.
 */
public final class ScriptedClassifier implements PictureClassifier {
    public static final double THRESHOLD = 0.5;
    private volatile float score;
    public final AtomicInteger checks = new AtomicInteger();

    public ScriptedClassifier(float score) {
        this.score = score;
    }

    /** A classifier that flags every picture. */
    public static ScriptedClassifier flaggingEverything() {
        return new ScriptedClassifier(0.93f);
    }

    public void score(float value) {
        this.score = value;
    }

    @Override
    public SafetyCheck check(GeneratedImage picture) {
        return check(picture.png());
    }

    @Override
    public SafetyCheck check(byte[] png) {
        checks.incrementAndGet();
        return SafetyCheck.of("nsfw", score, THRESHOLD, name());
    }

    @Override
    public String name() {
        return "scripted/nsfw@test";
    }

    @Override
    public void close() {
    }
}
