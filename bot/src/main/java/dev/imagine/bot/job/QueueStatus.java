package dev.imagine.bot.job;

import dev.imagine.bot.queue.QueuedJob;
import java.util.List;

/**
 * One person's view of the queue, as data: whether their picture is being drawn, where each of their waiting ones
 * is, how many pictures wait in all and whether one is being drawn.
 *
 * @param yours  the person's waiting jobs, by position
 */
public record QueueStatus(boolean drawingYours, List<QueuedJob<Job>> yours, int waiting, boolean drawing) {
    public QueueStatus {
        yours = List.copyOf(yours);
    }

    /** What /queue answers: "#2: "a fox" — about 40 s", one line each, then the whole queue in a line. */
    public String text() {
        StringBuilder text = new StringBuilder();
        if (drawingYours) {
            text.append("Drawing your picture now.\n");
        }
        for (QueuedJob<Job> queued : yours) {
            text.append('#').append(queued.position()).append(": \"")
                    .append(shorten(queued.entry().job().parameters().prompt())).append("\" — ")
                    .append(Durations.about(queued.estimatedWait())).append('\n');
        }
        if (yours.isEmpty() && !drawingYours) {
            text.append("You have nothing waiting.\n");
        }
        text.append(waiting == 1 ? "1 picture is" : waiting + " pictures are").append(" waiting in all")
                .append(drawing ? ", one is being drawn." : ".");
        return text.toString();
    }

    private static String shorten(String prompt) {
        return prompt.length() <= 60 ? prompt : prompt.substring(0, 57) + "…";
    }
}
