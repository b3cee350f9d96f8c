package dev.imagine.bot.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log: JSON lines in a file per day, apart from the application log, kept for the retention. */
class AuditLogTest {
    @TempDir
    Path folder;

    @Test
    void entries_areJsonLines_inAFilePerDay() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-07T23:59:00Z"));
        AuditLog log = AuditLog.open(folder, Duration.ofDays(30), clock);

        log.record("ban", "discord:3", "discord:900", "discord:1", null);
        clock.advance(Duration.ofMinutes(2));
        log.record("pause", "operator", "*", null, null);

        assertThat(files()).containsExactly("audit-2026-12-07.jsonl", "audit-2026-12-08.jsonl");
        assertThat(Files.readString(folder.resolve("audit-2026-12-07.jsonl"))).isEqualTo(
                "{\"at\":\"2026-12-07T23:59:00Z\",\"action\":\"ban\",\"actor\":\"discord:3\",\"community\":"
                        + "\"discord:900\",\"target\":\"discord:1\"}\n");
        assertThat(log.entries()).extracting(AuditLog.Entry::action).containsExactly("ban", "pause");
    }

    @Test
    void daysOlderThanTheRetention_areDeleted_whenANewDayBegins_andWhenTheLogIsOpened() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
        AuditLog log = AuditLog.open(folder, Duration.ofDays(3), clock);
        log.record("ban", "discord:3", "discord:900", "discord:1", null);
        clock.advance(Duration.ofDays(2));
        log.record("unban", "discord:3", "discord:900", "discord:1", null);

        clock.advance(Duration.ofDays(2));
        log.record("pause", "discord:3", "discord:900", null, null);

        assertThat(files()).containsExactly("audit-2026-12-03.jsonl", "audit-2026-12-05.jsonl");
        clock.advance(Duration.ofDays(10));
        AuditLog.open(folder, Duration.ofDays(3), clock);
        assertThat(files()).isEmpty();
    }

    private java.util.List<String> files() throws Exception {
        try (Stream<Path> list = Files.list(folder)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
