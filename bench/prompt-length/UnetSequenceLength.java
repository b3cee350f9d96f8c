import ai.onnxruntime.OrtEnvironment;
import dev.imagine.pipeline.onnx.FloatTensor;
import dev.imagine.pipeline.onnx.SessionSettings;
import dev.imagine.pipeline.text.TextEncoder;
import dev.imagine.pipeline.unet.Unet;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What a prompt read in 1, 2 or 3 chunks costs: one UNet step with encoder_hidden_states of 77, 154 and 231
 * positions, and the text encoder run once per chunk, on the same session, the lengths interleaved round after
 * round (so that a change in the machine's load hits every length alike). Wall time and the process's CPU time
 * are both recorded: on a shared, busy machine the CPU time is the steadier measure of the work. Run by run.sh with
 * imagine.jar on the class path; prints one JSON object.
 *
 * <p>Arguments: model folder (optimum ONNX layout), threads, rounds, image size.
 */
public final class UnetSequenceLength {
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        int[] chunks = {1, 2, 3};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionSettings settings = SessionSettings.withThreads(threads);
        Random random = new Random(42);
        int latent = size / 8;
        FloatTensor sample = new FloatTensor(gaussian(random, 4 * latent * latent), new long[] {1, 4, latent, latent});
        float[] guidance = gaussian(random, 256);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[][] unetSeconds = new double[chunks.length][rounds];
        double[][] unetCpuSeconds = new double[chunks.length][rounds];
        double[][] textSeconds = new double[chunks.length][rounds];
        try (Unet unet = Unet.load(env, model.resolve("unet/model.onnx"), settings);
             TextEncoder text = TextEncoder.load(env, model.resolve("text_encoder/model.onnx"), settings)) {
            int hidden = 768;
            FloatTensor[] states = new FloatTensor[chunks.length];
            for (int c = 0; c < chunks.length; c++) {
                states[c] = new FloatTensor(gaussian(random, chunks[c] * 77 * hidden),
                        new long[] {1, chunks[c] * 77L, hidden});
                unet.predict(sample, 999, states[c], guidance, false); // warm-up
            }
            int[] ids = new int[77];
            Arrays.fill(ids, 49407);
            ids[0] = 49406;
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < chunks.length; k++) {
                    int c = (r + k) % chunks.length; // rotate the order every round
                    long cpuStart = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    unet.predict(sample, 759, states[c], guidance, false);
                    unetSeconds[c][r] = (System.nanoTime() - start) / 1e9;
                    unetCpuSeconds[c][r] = (os.getProcessCpuTime() - cpuStart) / 1e9;
                    start = System.nanoTime();
                    for (int i = 0; i < chunks[c]; i++) {
                        text.encode(ids);
                    }
                    textSeconds[c][r] = (System.nanoTime() - start) / 1e9;
                }
                System.err.printf(Locale.ROOT, "round %d: unet wall %s s, cpu %s s (load %s)%n", r + 1,
                        Arrays.toString(column(unetSeconds, r)), Arrays.toString(column(unetCpuSeconds, r)),
                        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
            }
        }
        StringBuilder json = new StringBuilder("{\"size\": " + size + ", \"threads\": " + threads + ", \"rounds\": "
                + rounds + ", \"lengths\": [");
        for (int c = 0; c < chunks.length; c++) {
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                ratios.add(unetSeconds[c][r] / unetSeconds[0][r]);
                cpuRatios.add(unetCpuSeconds[c][r] / unetCpuSeconds[0][r]);
            }
            json.append(c == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                    "{\"chunks\": %d, \"sequence\": %d, \"unet_step_median_s\": %.3f, \"unet_step_min_s\": %.3f,"
                            + " \"unet_step_max_s\": %.3f, \"unet_ratio_to_77_median\": %.4f,"
                            + " \"unet_step_cpu_median_s\": %.3f, \"unet_step_cpu_min_s\": %.3f,"
                            + " \"unet_step_cpu_max_s\": %.3f, \"unet_cpu_ratio_to_77_median\": %.4f,"
                            + " \"text_encoder_median_s\": %.3f}",
                    chunks[c], chunks[c] * 77, median(unetSeconds[c]), Arrays.stream(unetSeconds[c]).min().orElse(0),
                    Arrays.stream(unetSeconds[c]).max().orElse(0),
                    median(ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                    median(unetCpuSeconds[c]), Arrays.stream(unetCpuSeconds[c]).min().orElse(0),
                    Arrays.stream(unetCpuSeconds[c]).max().orElse(0),
                    median(cpuRatios.stream().mapToDouble(Double::doubleValue).toArray()), median(textSeconds[c])));
        }
        json.append("], \"cpu\": \"").append(cpu()).append("\"}");
        System.out.println(json);
    }

    private static double[] column(double[][] values, int r) {
        double[] column = new double[values.length];
        for (int c = 0; c < values.length; c++) {
            column[c] = Math.round(values[c][r] * 1000) / 1000.0;
        }
        return column;
    }

    private static float[] gaussian(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String cpu() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim().replace("\"", "'");
            }
        }
        return "unknown";
    }
}
