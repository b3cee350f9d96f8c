package dev.imagine.bot;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes what the application opened in the reverse order of opening, each once: what was started last (the worker,
 * the adapters) stops first, and what everything else uses (the job store, the model) last. A failure to close one
 * does not keep the others open.
 */
final class Closer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);

    private final Deque<Opened> opened = new ArrayDeque<>();

    private record Opened(String name, AutoCloseable resource) {
    }

    /** Remembers {@code resource}, named for the log, to be closed before everything added earlier. */
    synchronized <T extends AutoCloseable> T add(String name, T resource) {
        opened.push(new Opened(name, resource));
        return resource;
    }

    /** Closes everything added, the last added first; a failure to close one is logged. */
    @Override
    public void close() {
        closeAll((name, e) -> LOG.warn("closing {} failed: {}", name, e.toString()));
    }

    /** Closes everything after {@code failure} stopped the start; a failure to close one is added to it. */
    void closeAfter(RuntimeException failure) {
        closeAll((name, e) -> failure.addSuppressed(e));
    }

    private void closeAll(BiConsumer<String, Exception> failed) {
        while (true) {
            Opened next;
            synchronized (this) {
                next = opened.poll();
            }
            if (next == null) {
                return;
            }
            try {
                next.resource().close();
            } catch (Exception e) {
                failed.accept(next.name(), e);
            }
        }
    }
}
