package dev.imagine.pipeline.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DJL's tokenizers native library comes from the jar, not from the network. */
class DjlNativeLibraryTest {

    @TempDir
    Path temp;

    private static boolean isLinuxX86() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").startsWith("Linux") && ("amd64".equals(arch) || "x86_64".equals(arch));
    }

    @Test
    void jar_bundlesTheLinuxX86CpuLibrary() {
        assertThat(getClass().getClassLoader().getResource("native/lib/linux-x86_64/cpu/libtokenizers.so"))
                .as("libtokenizers.so inside ai.djl.huggingface:tokenizers").isNotNull();
        assertThat(getClass().getClassLoader().getResource("native/lib/tokenizers.properties")).isNotNull();
    }

    @Test
    void load_inFreshJvmWithEmptyCacheAndNoNetwork_extractsTheBundledLibrary()
            throws IOException, InterruptedException, URISyntaxException {
        assumeTrue(isLinuxX86(), "checks the linux-x86_64 library");
        Path clipDir = Path.of(getClass().getResource("/tokenizer/clip/vocab.json").toURI()).getParent();
        Path cache = temp.resolve("djl-cache");
        String java = ProcessHandle.current().info().command().orElse("java");

        List<String> command = new ArrayList<>(List.of(java,
                "-cp", System.getProperty("java.class.path"),
                "-DDJL_CACHE_DIR=" + cache,
                // any HTTP(S) download would go to a closed port and fail
                "-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9",
                "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9",
                NativeLibraryProbe.class.getName(), clipDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        for (String name : List.of("RUST_FLAVOR", "OPT_OUT_TRACKING", "DJL_OFFLINE", "DJL_CACHE_DIR",
                "ENGINE_CACHE_DIR", "RUST_LIBRARY_PATH")) {
            env.remove(name);
        }
        Process process = builder.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }

        assertThat(finished).as("probe finished; output:%n%s", output).isTrue();
        assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
        assertThat(output).contains("ids=[49406, 320, 8853, 539, 550, 18376, 6765, 320, 4558, 49407]")
                .contains("RUST_FLAVOR=cpu")
                .contains("OPT_OUT_TRACKING=true")
                .doesNotContain("Downloading");
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(cache::relativize).map(Path::toString))
                    .anyMatch(p -> p.matches("tokenizers/[0-9.]+-[0-9.]+-cpu-linux-x86_64/libtokenizers\\.so"));
        }
    }
}
