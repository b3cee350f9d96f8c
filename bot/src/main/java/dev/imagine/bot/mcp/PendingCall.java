package dev.imagine.bot.mcp;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.concurrent.CompletableFuture;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * One tool call that waits for its picture: the result it will answer with, and its progress notifications.
 *
 * <p>MCP progress must grow with every notification. Waiting is the first unit of work and drawing the rest: the
 * n-th news while the job waits reports n/(n+1) without a total ("Queued #2 · about 40 s"), step s of T reports 1+s
 * of 1+T ("Drawing… step 3/4"); news that cannot advance (a notice, a resumed job) moves by the smallest amount.
 *
 * <p>Notifications are sent on another thread, one at a time and in order; a client that lags gets the latest. The job
 * service's worker only hands them over and never waits for a client.
 */
final class PendingCall {
    private final String origin;
    private final String apiBase;
    private final Object progressToken;
    private final CompletableFuture<CallToolResult> result = new CompletableFuture<>();
    private final Sinks.Many<ProgressNotification> notifications = Sinks.many().unicast().onBackpressureBuffer();
    private volatile String jobId;
    private volatile Runnable cancel = () -> { };
    private double last;
    private Double total;
    private int waitingNews;
    private boolean drawing;

    /**
     * @param progressToken the client's {@code _meta.progressToken}, or null when it asked for no progress
     */
    PendingCall(String origin, String apiBase, Object progressToken) {
        this.origin = origin;
        this.apiBase = apiBase;
        this.progressToken = progressToken;
    }

    /** The job's origin: how the job service's news finds this call. */
    String origin() {
        return origin;
    }

    String apiBase() {
        return apiBase;
    }

    CompletableFuture<CallToolResult> result() {
        return result;
    }

    String jobId() {
        return jobId;
    }

    void jobId(String id) {
        this.jobId = id;
    }

    /** What cancels its job (once the job service accepted it). */
    void cancelWith(Runnable action) {
        this.cancel = action;
    }

    /** Cancels its job: the client cancelled the call or went away. */
    void cancel() {
        cancel.run();
    }

    /**
     * Sends this call's progress to the client of {@code exchange}. A notification that cannot be written means the
     * client is gone (its stream broke): then {@code clientGone} runs.
     */
    void sendProgressTo(McpAsyncServerExchange exchange, Runnable clientGone) {
        if (progressToken == null) {
            return;
        }
        notifications.asFlux()
                .onBackpressureLatest()
                .publishOn(Schedulers.boundedElastic(), 1)
                .concatMap(exchange::progressNotification)
                .subscribe(sent -> { }, failure -> clientGone.run());
    }

    /** News while the job waits; none once it was drawn (a job paused for a lighter user says so by a notice). */
    synchronized void waiting(String message) {
        if (!drawing) {
            waitingNews++;
            report(waitingNews / (waitingNews + 1.0), null, message);
        }
    }

    synchronized void drawing(int step, int totalSteps, String message) {
        drawing = true;
        report(1.0 + step, 1.0 + totalSteps, message);
    }

    /** News that changes nothing about the job (a restart, a delay). */
    synchronized void notice(String message) {
        report(last, total, message);
    }

    private void report(double wanted, Double newTotal, String message) {
        if (progressToken == null || result.isDone()) {
            return;
        }
        double value = wanted > last ? wanted : Math.nextUp(last);
        last = value;
        total = newTotal != null && newTotal >= value ? newTotal : null;
        notifications.tryEmitNext(new ProgressNotification(progressToken, value, total, message));
    }

    boolean isWaiting() {
        synchronized (this) {
            return !drawing && !result.isDone();
        }
    }

    /** Answers the call (once; later answers are ignored) and ends its progress. */
    void answer(CallToolResult answer) {
        result.complete(answer);
        end();
    }

    /** Ends its progress: nothing more is sent. */
    synchronized void end() {
        notifications.tryEmitComplete();
    }
}
