package dev.imagine.bot.mcp;

import dev.imagine.bot.job.Job;
import dev.imagine.bot.job.QueueView;
import dev.imagine.bot.job.ReplySink;
import dev.imagine.bot.job.ReplyTexts;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tool calls waiting for a picture, and the "mcp" platform's {@link ReplySink}: the job service's news about a job
 * goes to the call that asked for it (found by the job's origin) as progress, and its end as the call's answer. A job
 * whose call is gone (Imagine restarted, the client left) is drawn for nobody's eyes and only logged; its picture is
 * still kept by job id.
 */
final class ToolCalls implements ReplySink {
    private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
    /** Origins of MCP jobs begin so; the rest is random, so the origin of a call from before a restart is never reused. */
    static final String ORIGIN_PREFIX = "mcp-call:";

    private final Map<String, PendingCall> calls = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final BooleanSupplier admitting;

    /** {@code admitting}: whether the job service still takes jobs (false once Imagine has begun to stop). */
    ToolCalls(BooleanSupplier admitting) {
        this.admitting = admitting;
    }

    /** A new call waiting for a job (register it before asking the job service, whose news may come at once). */
    PendingCall open(String apiBase, Object progressToken) {
        byte[] id = new byte[8];
        random.nextBytes(id);
        PendingCall call = new PendingCall(ORIGIN_PREFIX + HexFormat.of().formatHex(id), apiBase, progressToken);
        calls.put(call.origin(), call);
        return call;
    }

    /** The call no longer waits (answered, or abandoned). */
    void close(PendingCall call) {
        calls.remove(call.origin(), call);
        call.end();
    }

    /** Every call whose job still waits in the queue. */
    List<PendingCall> waiting() {
        return calls.values().stream().filter(PendingCall::isWaiting).toList();
    }

    /** Cancels the job of every call: their client is gone (it closed stdin). */
    void cancelAll() {
        calls.values().forEach(PendingCall::cancel);
    }

    /**
     * Answers every call now that Imagine stops: the job keeps its place for the next start, and Same seed gets its
     * picture then.
     */
    void answerAllStopping() {
        calls.values().forEach(ToolCalls::answerStopping);
    }

    private static void answerStopping(PendingCall call) {
        String jobId = call.jobId();
        call.answer(ToolResults.refusal("Imagine is stopping" + (jobId == null ? "; ask again in a minute."
                : ". Job " + jobId + " keeps its place and is drawn when Imagine runs again; then same_seed with"
                + " job_id " + jobId + " gives the picture.")));
    }

    /** Tells each waiting call its place in {@code queue}. */
    void tellPlaces(QueueView queue) {
        for (PendingCall call : waiting()) {
            String jobId = call.jobId();
            if (jobId != null) {
                queue.placeOf(jobId).ifPresent(place -> call.waiting(
                        ReplyTexts.queued(place.position(), place.eta()).text()));
            }
        }
    }

    private Optional<PendingCall> callOf(Job job) {
        PendingCall call = job.origin() == null ? null : calls.get(job.origin());
        if (call == null) {
            LOG.debug("news of job {} for a tool call that no longer waits", job.id());
        }
        return Optional.ofNullable(call);
    }

    @Override
    public void queued(Job job, int position, Duration eta) {
        callOf(job).ifPresent(call -> call.waiting(ReplyTexts.queued(position, eta).text()));
    }

    @Override
    public void started(Job job) {
        callOf(job).ifPresent(call -> call.drawing(0, job.parameters().steps(), ReplyTexts.drawing(0, 0).text()));
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        callOf(job).ifPresent(call -> call.drawing(step, totalSteps, ReplyTexts.drawing(step, totalSteps).text()));
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        callOf(job).ifPresent(call -> call.answer(ToolResults.picture(job, pngs, elapsed, call.apiBase())));
    }

    @Override
    public void failed(Job job, String message) {
        callOf(job).ifPresent(call -> call.answer(ToolResults.refusal(ReplyTexts.failed(message).text())));
    }

    @Override
    public void cancelled(Job job, String reason) {
        callOf(job).ifPresent(call -> call.answer(ToolResults.refusal(ReplyTexts.cancelled(reason).text())));
    }

    @Override
    public void notice(Job job, String message) {
        callOf(job).ifPresent(call -> {
            if (call.isWaiting() && !admitting.getAsBoolean()) {
                // Imagine stops and this job stays queued for the next start: the call is answered now rather than
                // after the running picture's grace, which can be longer than a client waits for a tool result.
                answerStopping(call);
            } else {
                call.notice(ReplyTexts.notice(message).text());
            }
        });
    }
}
