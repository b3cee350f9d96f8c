package dev.imagine.bot.job;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Identical requests in flight share one generation: the first one is the leader (waiting in the queue or on a
 * worker); the others follow it and get its pictures when it is done, or take its place when it is not. A request
 * is known by its pictures' cache keys. Within one process ({@link LocalInFlight}) or across the processes that share
 * a queue (then the process that ends the leader is seldom the one that admitted its followers).
 */
public interface InFlight {

    /**
     * Atomically: when an identical request is in flight, {@code follow} answers with its leader's id and {@code job}
     * then follows it; otherwise {@code offer} answers, and an accepted job leads from then on. {@code job} is already
     * in the store.
     */
    Reply followOrOffer(String request, Job job, Function<String, Reply> follow, Supplier<Reply> offer);

    /** The job no longer leads: a new identical request is drawn (or answered from the cache) on its own. */
    void release(String jobId);

    /** The jobs that followed {@code leaderId}, which no longer follow anything. */
    List<Job> takeFollowers(String leaderId);

    /** Stops {@code jobId} following its leader; says whether it was following one. */
    boolean dropFollower(String jobId);
}
