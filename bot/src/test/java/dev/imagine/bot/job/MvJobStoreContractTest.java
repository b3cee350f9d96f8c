package dev.imagine.bot.job;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The {@link JobStoreContract} against the embedded {@link MvJobStore}, on a file. */
class MvJobStoreContractTest extends JobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected JobStore newStore() {
        return MvJobStore.open(dir.resolve("jobs.mv"));
    }

    @Override
    protected JobStore reopen(JobStore store) {
        store.close();
        return MvJobStore.open(dir.resolve("jobs.mv"));
    }
}
