package dev.imagine.bot.queue;

import java.time.Duration;

/**
 * A waiting job with its place in the fair-share order.
 *
 * @param entry         the job
 * @param position      1-based, in the order the queue would serve the jobs now waiting if nobody else arrived
 * @param estimatedWait how long until it starts, estimated from the costs of the jobs served before it and what
 *                      remains of the job the worker is running; keep it apart from the position when you show it
 * @param <J>           the payload type
 */
public record QueuedJob<J>(QueueEntry<J> entry, int position, Duration estimatedWait) {
}
