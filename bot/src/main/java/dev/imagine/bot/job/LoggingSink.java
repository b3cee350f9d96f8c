package dev.imagine.bot.job;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Used for a job whose platform has no adapter running (for example a Telegram job resumed while only Discord is
 * configured): nothing is sent, the outcome stays in the job store, and the log says so.
 */
final class LoggingSink implements ReplySink {
    static final LoggingSink INSTANCE = new LoggingSink();
    private static final Logger LOG = LoggerFactory.getLogger(LoggingSink.class);

    @Override
    public void queued(Job job, int position, Duration eta) {
        LOG.info("job {} ({}) queued at #{}; no adapter for {} is running", job.id(), job.owner().key(), position,
                job.owner().platform());
    }

    @Override
    public void started(Job job) {
        LOG.debug("job {} started", job.id());
    }

    @Override
    public void progress(Job job, int step, int totalSteps) {
        LOG.debug("job {} step {}/{}", job.id(), step, totalSteps);
    }

    @Override
    public void finished(Job job, List<byte[]> pngs, Duration elapsed) {
        LOG.info("job {} finished with {} images; no adapter for {} is running to deliver them", job.id(),
                pngs.size(), job.owner().platform());
    }

    @Override
    public void failed(Job job, String message) {
        LOG.info("job {} failed: {}", job.id(), message);
    }

    @Override
    public void cancelled(Job job, String reason) {
        LOG.info("job {} cancelled: {}", job.id(), reason);
    }

    @Override
    public void notice(Job job, String message) {
        LOG.info("job {}: {}", job.id(), message);
    }
}
