package dev.imagine.bot.job;

import java.util.List;
import java.util.Objects;

/**
 * What the picture classifier said about each picture of a job, and how each was therefore shown where the job was
 * delivered. Kept with the job in the store (never in the PNG), so an operator can see why a picture was hidden.
 *
 * @param classifier which classifier judged ({@code owner/name@commit} or a folder)
 * @param policy     the policy that applied where the job was delivered (allow, spoiler, blur or refuse)
 * @param pictures   one verdict per picture, in the job's order
 */
public record Screening(String classifier, String policy, List<Verdict> pictures) {

    public Screening {
        Objects.requireNonNull(classifier, "classifier");
        Objects.requireNonNull(policy, "policy");
        pictures = List.copyOf(pictures);
    }

    /** How one picture is shown. */
    public enum Treatment {
        /** As it is. */
        PLAIN,
        /** Hidden until clicked: Discord's SPOILER_ attachment, Telegram's has_spoiler, a blur in the playground. */
        SPOILER,
        /** Replaced by a blurred copy. */
        BLURRED,
        /** Not delivered at all. */
        WITHHELD
    }

    /**
     * @param score   the NSFW label's probability
     * @param flagged whether that is above the threshold
     */
    public record Verdict(float score, boolean flagged, Treatment treatment) {
        public Verdict {
            Objects.requireNonNull(treatment, "treatment");
        }
    }

    /** The treatments of the pictures that are delivered (all but the withheld ones), in order. */
    public List<Treatment> delivered() {
        return pictures.stream().map(Verdict::treatment).filter(t -> t != Treatment.WITHHELD).toList();
    }

    /** How many pictures were withheld. */
    public int withheld() {
        return (int) pictures.stream().filter(v -> v.treatment() == Treatment.WITHHELD).count();
    }
}
