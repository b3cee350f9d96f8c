package dev.imagine.bot.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: every moderation action and every refusal for policy (a ban, a pause, a blocked word, a rate limit,
 * a withheld picture), one JSON object per line, in a file per day (UTC) of its own folder, apart from the
 * application log. Files older than the retention are deleted when a new day begins and when the log is opened.
 * Prompts are never written, only which rule refused one.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final String PREFIX = "audit-";
    private static final String SUFFIX = ".jsonl";

    /**
     * One line of the log.
     *
     * @param action    what happened: ban, unban, pause, resume, policy, block, unblock, rate, delete (by a
     *                  moderator), refused-banned, refused-paused, refused-prompt, refused-rate, withheld
     * @param actor     who did it, or who was refused (a user key, or "operator")
     * @param community the community key, "*" for every community, or null in a private chat
     * @param target    whom or what it concerns (a user key, a job id), or null
     * @param detail    the rest, in words (the rule that matched, the new value), or null
     */
    public record Entry(Instant at, String action, String actor, String community, String target, String detail) {
    }

    private final Path folder;
    private final Duration retention;
    private final InstantSource clock;
    private LocalDate prunedOn;

    private AuditLog(Path folder, Duration retention, InstantSource clock) {
        this.folder = folder;
        this.retention = retention;
        this.clock = clock;
    }

    /** The log in {@code folder} (created when missing), keeping {@code retention} of it. */
    public static AuditLog open(Path folder, Duration retention, InstantSource clock) {
        Objects.requireNonNull(folder, "folder");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("the audit retention must be positive, got " + retention);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit folder " + folder, e);
        }
        AuditLog log = new AuditLog(folder, retention, clock);
        synchronized (log) {
            log.prune(log.today());
        }
        return log;
    }

    /** A log that keeps nothing (no data folder: tests of other things, throwaway runs). */
    public static AuditLog none() {
        return new AuditLog(null, Duration.ofDays(1), InstantSource.fixed(Instant.EPOCH));
    }

    /** The folder of the daily files; null for {@link #none()}. */
    public Path folder() {
        return folder;
    }

    /** Appends one entry now; a log that cannot be written is reported in the application log, never thrown. */
    public synchronized void record(String action, String actor, String community, String target, String detail) {
        if (folder == null) {
            return;
        }
        Instant now = clock.instant();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!day.equals(prunedOn)) {
            prune(day);
        }
        String line = StoreJson.write(new Entry(now, action, actor, community, target, detail)) + "\n";
        try {
            Files.writeString(fileOf(day), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.error("could not write the audit log in {}: {}", folder, e.toString());
        }
    }

    /** Every entry still kept, oldest first. */
    public synchronized List<Entry> entries() {
        List<Entry> entries = new ArrayList<>();
        for (Path file : files()) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        entries.add(StoreJson.read(line, Entry.class));
                    }
                }
            } catch (IOException e) {
                LOG.warn("could not read the audit file {}: {}", file, e instanceof JsonProcessingException j
                        ? j.getOriginalMessage() : e.toString());
            }
        }
        return entries;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private Path fileOf(LocalDate day) {
        return folder.resolve(PREFIX + day + SUFFIX);
    }

    /** Deletes the files of days that ended more than the retention ago. */
    private void prune(LocalDate today) {
        prunedOn = today;
        Instant cutoff = clock.instant().minus(retention);
        for (Path file : files()) {
            LocalDate day = dayOf(file);
            if (day != null && day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC).isBefore(cutoff)) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    LOG.warn("could not delete the old audit file {}: {}", file, e.toString());
                }
            }
        }
    }

    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        if (folder == null) {
            return files;
        }
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(folder, PREFIX + "*" + SUFFIX)) {
            listing.forEach(files::add);
        } catch (IOException e) {
            LOG.warn("could not list the audit folder {}: {}", folder, e.toString());
        }
        files.removeIf(f -> dayOf(f) == null);
        files.sort(null);
        return files;
    }

    private static LocalDate dayOf(Path file) {
        String name = file.getFileName().toString();
        try {
            return LocalDate.parse(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
