package dev.imagine.bot.redis;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this process's worker holds under a lease, with their fencing tokens: the queue adds one at each take and
 * drops it when the hold ends; the job store writes a held job only if its token is still the current one, so that
 * a worker that comes back late cannot overwrite what a newer holder wrote.
 */
final class Holdings {

    /** One held job: its owner, its token, and whether a renewal found it lost. */
    record Held(String jobId, String user, long token, boolean lost) {
        Held markedLost() {
            return new Held(jobId, user, token, true);
        }
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();

    void hold(String jobId, String user, long token) {
        held.put(jobId, new Held(jobId, user, token, false));
    }

    Optional<Held> of(String jobId) {
        return Optional.ofNullable(held.get(jobId));
    }

    /** The fencing token of a held job, for the store's writes. */
    Optional<Long> tokenOf(String jobId) {
        return of(jobId).map(Held::token);
    }

    Optional<Held> ofUser(String user) {
        return held.values().stream().filter(h -> h.user().equals(user)).findFirst();
    }

    void lost(String jobId) {
        held.computeIfPresent(jobId, (id, h) -> h.markedLost());
    }

    boolean release(Held h) {
        return held.remove(h.jobId(), h) || held.remove(h.jobId(), h.markedLost());
    }

    List<Held> all() {
        return List.copyOf(held.values());
    }
}
