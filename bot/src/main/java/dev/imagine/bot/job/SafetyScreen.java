package dev.imagine.bot.job;

import dev.imagine.bot.command.ChannelRating;
import dev.imagine.bot.safety.PictureClassifier;
import dev.imagine.bot.safety.SafetyCheck;
import dev.imagine.bot.safety.SafetyPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every picture passes here before it is delivered, whether just drawn, shared with an identical request or served
 * from the cache: the classifier judges it (once per picture; the verdict is remembered by its cache key), and the
 * policy where the job is delivered decides how it is shown. The policy is the operator's, tightened by the
 * operator's rules for every community and the community's own; in a channel its platform rates as for everyone
 * (Discord's channels that are not age-restricted) a flagged picture is never shown plainly. The verdicts are kept
 * with the job, never in the PNG.
 */
final class SafetyScreen {
    private static final int REMEMBERED = 4096;

    private final PictureClassifier classifier;
    private final SafetyPolicy configured;
    private final Rules rules;
    private final PictureLabels labels;
    private final AuditLog audit;
    // Verdicts by cache key: the same pixels get the same verdict, and a cache answer needs no second look.
    private final Map<String, SafetyCheck> verdicts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SafetyCheck> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** @param classifier null when none is configured: nothing is flagged */
    SafetyScreen(PictureClassifier classifier, SafetyPolicy configured, Rules rules, PictureLabels labels,
                 AuditLog audit) {
        this.classifier = classifier;
        this.configured = configured;
        this.rules = rules;
        this.labels = labels;
        this.audit = audit;
    }

    /** The policy where {@code job} is delivered. */
    SafetyPolicy policyFor(Job job) {
        SafetyPolicy policy = rules.policyFor(configured, Rules.communityOf(job));
        return job.rating() == ChannelRating.GENERAL ? policy.atLeast(SafetyPolicy.SPOILER) : policy;
    }

    /**
     * Judges the pictures of a job that is DONE ({@code raw}: as the cache keeps them, in order) and returns it with
     * the verdicts, for its transition to save (so it is never seen DONE without them). Without a classifier the job
     * is returned as it is.
     */
    Job judge(Job done, List<byte[]> raw) {
        if (classifier == null) {
            return done;
        }
        SafetyPolicy policy = policyFor(done);
        List<Screening.Verdict> pictures = new ArrayList<>();
        float highest = 0;
        for (int i = 0; i < raw.size(); i++) {
            SafetyCheck check = check(i < done.resultKeys().size() ? done.resultKeys().get(i) : null, raw.get(i));
            highest = Math.max(highest, check.score());
            pictures.add(new Screening.Verdict(check.score(), check.flagged(), treatment(check, policy)));
        }
        Screening screening = new Screening(classifier.name(), policy.configName(), pictures);
        int withheld = screening.withheld();
        String note = null;
        if (withheld > 0) {
            note = withheld == raw.size()
                    ? "Your picture was held back: the picture classifier flagged it, and flagged pictures are not"
                    + " shown here. Try another prompt or seed."
                    : withheld + " of your " + raw.size() + " pictures were held back: the picture classifier"
                    + " flagged them, and flagged pictures are not shown here.";
            audit.record("withheld", done.owner().key(), Rules.communityOf(done), done.id(),
                    withheld + " of " + raw.size() + " pictures, highest score "
                            + String.format(Locale.ROOT, "%.3f", highest) + ", policy " + policy.configName());
        }
        return done.screened(screening, note);
    }

    /**
     * The pictures of a judged job as they are handed out: each labelled with the job's own parameters, blurred
     * where the verdict says so, the withheld ones left out.
     */
    List<byte[]> present(Job job, List<byte[]> raw) {
        List<byte[]> shown = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            Screening.Treatment treatment = job.screening() == null || i >= job.screening().pictures().size()
                    ? Screening.Treatment.PLAIN : job.screening().pictures().get(i).treatment();
            switch (treatment) {
                case WITHHELD -> { }
                case BLURRED -> shown.add(labels.forJob(job, PictureBlur.blur(raw.get(i)), i));
                case PLAIN, SPOILER -> shown.add(labels.forJob(job, raw.get(i), i));
            }
        }
        return shown;
    }

    private SafetyCheck check(String key, byte[] png) {
        synchronized (verdicts) {
            SafetyCheck known = key == null ? null : verdicts.get(key);
            if (known != null) {
                return known;
            }
            // Under the lock: the classifier is not to be called concurrently.
            SafetyCheck check = classifier.check(png);
            if (key != null) {
                verdicts.put(key, check);
            }
            return check;
        }
    }

    private static Screening.Treatment treatment(SafetyCheck check, SafetyPolicy policy) {
        if (!check.flagged()) {
            return Screening.Treatment.PLAIN;
        }
        return switch (policy) {
            case ALLOW -> Screening.Treatment.PLAIN;
            case SPOILER -> Screening.Treatment.SPOILER;
            case BLUR -> Screening.Treatment.BLURRED;
            case REFUSE -> Screening.Treatment.WITHHELD;
        };
    }
}
