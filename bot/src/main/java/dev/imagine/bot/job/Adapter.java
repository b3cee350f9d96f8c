package dev.imagine.bot.job;

/**
 * One way people reach Imagine: Discord, Telegram, the web playground, the MCP server. The application starts
 * each configured adapter, registers its {@link #sink()} with the job service under {@link #platform()} before the
 * worker starts (so that jobs resumed after a restart can still answer), asks {@link #connected()} for
 * {@code /healthz}, and closes it after the job service has drained, so that it can still tell people.
 *
 * <p>An adapter is thin: it decodes its platform's input into a {@code Command} for the {@link JobService}, and
 * encodes replies, texts ({@link ReplyTexts}) and actions for its platform; nothing else.
 */
public interface Adapter extends AutoCloseable {

    /** The platform of its people, as in {@code User.platform()} ("discord"): the key its sink is registered under. */
    String platform();

    /**
     * Connects to the platform or starts listening, and returns once it is ready.
     *
     * @throws IllegalStateException when it cannot start; the message says what to change (a token, a port) and
     *                               never holds a secret. {@link #close()} still releases what it opened.
     */
    void start();

    /** How the job service tells this adapter's people about their jobs. */
    ReplySink sink();

    /** True while it is connected (the gateway session is up, long polling runs, the server listens). */
    boolean connected();

    /** One line for whoever started Imagine once it is ready, such as where the playground is. */
    String readyLine();

    /** Disconnects and stops its threads; what it already handed to the platform gets a few seconds to go out. */
    @Override
    void close();
}
