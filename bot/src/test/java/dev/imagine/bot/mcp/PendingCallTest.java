package dev.imagine.bot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class PendingCallTest {

    @Test
    void progress_growsWithEveryNotification_whileTheJobWaits_isDrawn_andIsPausedAndResumed_andTheLatestArrives()
            throws Exception {
        List<ProgressNotification> sent = new CopyOnWriteArrayList<>();
        PendingCall call = new PendingCall("mcp-call:1", null, "token");
        call.sendProgressTo(new Recording(sent), () -> { });

        call.waiting("Queued #2 · about 40 s");
        call.waiting("Queued #1 · about 20 s");
        call.drawing(0, 4, "Drawing…");
        call.drawing(2, 4, "Drawing… step 2/4");
        call.notice("Paused for a lighter user");
        call.waiting("Queued #1 · about 5 s");
        call.drawing(2, 4, "Drawing… step 2/4");
        call.drawing(4, 4, "Drawing… step 4/4");
        call.end();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((sent.isEmpty() || sent.getLast().progress() < 5.0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        // A client that lags gets the latest: what arrives is a part of what was said, in order, and always the end.
        assertThat(sent).extracting(ProgressNotification::message).containsSubsequence("Queued #2 · about 40 s",
                "Drawing… step 4/4").isSubsetOf("Queued #2 · about 40 s", "Queued #1 · about 20 s", "Drawing…",
                "Drawing… step 2/4", "Paused for a lighter user", "Drawing… step 4/4");
        assertThat(sent).extracting(ProgressNotification::progress).isSorted().doesNotHaveDuplicates();
        assertThat(sent.get(0).total()).isNull();
        assertThat(sent.getLast().progress()).isEqualTo(5.0);
        assertThat(sent.getLast().total()).isEqualTo(5.0);
    }

    @Test
    void aCallWithoutAProgressToken_sendsNothing() {
        List<ProgressNotification> sent = new CopyOnWriteArrayList<>();
        PendingCall call = new PendingCall("mcp-call:2", null, null);
        call.sendProgressTo(new Recording(sent), () -> { });

        call.waiting("Queued #1");
        call.drawing(1, 2, "Drawing… step 1/2");

        assertThat(sent).isEmpty();
    }

    @Test
    void aNotificationThatCannotBeWritten_meansTheClientIsGone() throws Exception {
        java.util.concurrent.CountDownLatch gone = new java.util.concurrent.CountDownLatch(1);
        PendingCall call = new PendingCall("mcp-call:3", null, "token");
        call.sendProgressTo(new Recording(null), gone::countDown);

        call.waiting("Queued #1");

        assertThat(gone.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** An exchange whose progress notifications are recorded, or fail as a broken stream does (null list). */
    private static final class Recording extends McpAsyncServerExchange {
        private final List<ProgressNotification> sent;

        Recording(List<ProgressNotification> sent) {
            super("session", null, null, null, null);
            this.sent = sent;
        }

        @Override
        public Mono<Void> progressNotification(ProgressNotification notification) {
            if (sent == null) {
                return Mono.error(new IllegalStateException("Failed to send message to session"));
            }
            return Mono.fromRunnable(() -> sent.add(notification));
        }
    }
}
