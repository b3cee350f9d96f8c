package dev.imagine.bench;

/**
 * One way in for the load benchmark: an adapter with its platform's fake (or the JSON API over HTTP), on an engine
 * that {@link LoadBench} made. People are numbered from 0.
 */
public interface LoadFront extends AutoCloseable {
    /** What a person saw first: when (System.nanoTime, or -1 if nothing came) and the text (a refusal's reason). */
    record Answer(long atNanos, String text) {
        public static final Answer NONE = new Answer(-1, "no answer");
    }

    String name();

    /** Sends {@code prompt} as {@code person}'s picture request; returns a handle for {@link #answer}. */
    Object send(int person, String prompt) throws Exception;

    /** The first answer to the request sent with {@code handle}, once the run is over. */
    Answer answer(Object handle) throws Exception;

    @Override
    void close();
}
