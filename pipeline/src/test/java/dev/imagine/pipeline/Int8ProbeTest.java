package dev.imagine.pipeline;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Int8ProbeTest {
    @TempDir
    Path dir;

    @Test
    void probe() throws Exception {
        Path model = Int8UnetTest.copyOfTiny(dir);
        PrecisionComparison c = PrecisionComparison.run(model, new PipelineOptions(2),
                new GenerationRequest("a lighthouse at dusk", 0, 4, 8f, 256, 256, 1));
        StringBuilder line = new StringBuilder("PROBE " + System.getProperty("imagine.int8.scheme") + " :");
        c.steps().forEach(e -> line.append(String.format(" %.2f%%", 100 * e.relativeError())));
        System.out.println(line + String.format(" psnr %.2f", c.psnr()));
    }
}
