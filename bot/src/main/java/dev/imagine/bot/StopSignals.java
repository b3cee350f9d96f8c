package dev.imagine.bot;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM ({@code docker stop}, systemd), SIGINT (Ctrl-C) and SIGHUP (a closed terminal) into a request to stop
 * that {@link Main} carries out, instead of letting the JVM begin its shutdown at once.
 *
 * <p>Why not a shutdown hook: ONNX Runtime's Java binding registers a shutdown hook of its own when it creates its
 * environment ({@code OrtEnvironment}'s {@code OrtEnvCloser} in ONNX Runtime 1.29, which releases the native
 * environment and its logging manager), and the JVM starts every hook at once, in no set order. A hook of Imagine's
 * that lets the running picture finish therefore raced with one that freed the runtime under it: the picture failed
 * with "Attempt to use DefaultLogger but none has been registered", or the JVM died in libonnxruntime. With the
 * signals handled here, Imagine stops first (the running picture finishes or is kept, every session is closed) and
 * only then exits the JVM, when ONNX Runtime's hook has nothing left to break.
 *
 * <p>A second signal while Imagine stops cuts the grace short: the running picture stops after its current step and
 * is kept for the next start.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported (jdk.unsupported) way to handle a signal; there is no other.
 */
final class StopSignals {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    private static final List<String> SIGNALS = List.of("TERM", "INT", "HUP");

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private volatile String first;
    private volatile Runnable onRepeat = () -> { };

    private StopSignals() {
    }

    /**
     * Handles the stop signals from now on. A signal the JVM keeps for itself (as with {@code -Xrs}) keeps its
     * default behaviour, with a warning; the application's shutdown hook still stops Imagine then, less safely.
     */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String name : SIGNALS) {
            try {
                Signal.handle(new Signal(name), signals::receive);
            } catch (IllegalArgumentException e) {
                LOG.warn("cannot handle SIG{} ({}); it stops the JVM directly, and a picture being drawn then may be"
                        + " lost", name, e.getMessage());
            }
        }
        return signals;
    }

    /** What a further signal does while the first one's stop is under way. */
    void onRepeat(Runnable action) {
        this.onRepeat = action;
    }

    /** Waits for the first stop signal and returns its name, such as {@code SIGTERM}. */
    String awaitRequest() throws InterruptedException {
        requested.await();
        return first;
    }

    /**
     * A stop that Imagine itself asks for, as a signal would ({@code reason} names it in the log): an MCP client
     * closed stdin, which ends its session.
     */
    void request(String reason) {
        if (received.incrementAndGet() == 1) {
            first = reason;
            requested.countDown();
        }
    }

    /** Called on the JVM's signal thread: it only records the request, never blocks. */
    private void receive(Signal signal) {
        if (received.incrementAndGet() == 1) {
            first = "SIG" + signal.getName();
            requested.countDown();
        } else {
            onRepeat.run();
        }
    }
}
