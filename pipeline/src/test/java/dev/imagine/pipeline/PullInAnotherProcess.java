package dev.imagine.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A second JVM for {@link ConcurrentPullAcrossProcessesTest}: pulls one model and prints {@code WAITING} when it
 * has to wait for the lock, then {@code DONE <folder>}.
 * Arguments: endpoint, cache folder, repo@revision, include patterns (comma separated).
 */
public final class PullInAnotherProcess {
    private PullInAnotherProcess() {
    }

    public static void main(String[] args) {
        ModelStore store = ModelStore.builder().endpoint(URI.create(args[0])).cacheDir(Path.of(args[1])).build();
        List<String> patterns = Arrays.asList(args[3].split(","));
        ModelRef ref = ModelRef.parse(args[2]).withIncludePatterns(patterns);
        Path folder = store.pull(ref, new DownloadListener() {
            @Override
            public void onWaitingForLock(ModelRef r, Path lockFile) {
                System.out.println("WAITING");
                System.out.flush();
            }
        });
        System.out.println("DONE " + folder);
        System.out.flush();
    }
}
