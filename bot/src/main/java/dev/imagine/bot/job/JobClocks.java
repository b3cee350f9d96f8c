package dev.imagine.bot.job;

import java.lang.management.ManagementFactory;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Every clock the job engine reads, so that tests can fake each one.
 *
 * @param wall             the times kept with a job (created, started, finished)
 * @param ticker           how long a job ran and when it runs out of time
 * @param processCpuNanos  the processor time this process has used so far: what a job cost
 */
public record JobClocks(InstantSource wall, Ticker ticker, LongSupplier processCpuNanos) {
    public JobClocks {
        Objects.requireNonNull(wall, "wall");
        Objects.requireNonNull(ticker, "ticker");
        Objects.requireNonNull(processCpuNanos, "processCpuNanos");
    }

    /** The system's clocks and this process's CPU time. */
    public static JobClocks system() {
        return new JobClocks(InstantSource.system(), Ticker.SYSTEM, JobClocks::processCpuTime);
    }

    private static long processCpuTime() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
