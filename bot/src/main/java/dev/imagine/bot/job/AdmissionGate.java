package dev.imagine.bot.job;

import java.util.function.BooleanSupplier;

/** Whether Imagine takes new pictures (until a shutdown begins), and whether it is stopping at all. */
final class AdmissionGate {
    private volatile boolean open = true;
    // Replaced by tests: whether the JVM has begun its shutdown (its hooks run, whoever started it).
    private volatile BooleanSupplier jvmStopping = AdmissionGate::jvmShuttingDown;

    boolean isOpen() {
        return open;
    }

    /** From now on new pictures are refused: Imagine is draining. */
    void close() {
        open = false;
    }

    /** Imagine is shutting down, by its own stop or because the JVM is exiting. */
    boolean stopping() {
        return !open || jvmStopping.getAsBoolean();
    }

    void jvmStoppingForTest(BooleanSupplier stopping) {
        this.jvmStopping = stopping;
    }

    /**
     * Whether the JVM has begun to shut down: {@link Runtime#addShutdownHook} refuses a new hook from then on (its
     * documented behaviour), which is the one portable way to ask.
     */
    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { }, "imagine-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
