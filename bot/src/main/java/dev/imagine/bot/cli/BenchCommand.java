package dev.imagine.bot.cli;

import dev.imagine.pipeline.DecoderQuantizationTrial;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageClassifier;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.LabelScores;
import dev.imagine.pipeline.Outpaint;
import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.PipelineOptions;
import dev.imagine.pipeline.Precision;
import dev.imagine.pipeline.PrecisionComparison;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.UpscaleRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code imagine bench} (hidden): the Java side of bench/pipeline. Loads the pipeline, warms it up, times
 * {@code --runs} images with the full VAE and with the fast decoder, and prints one JSON object on stdout: load
 * time, time from JVM start to ready, per run the text encoder, each UNet step and the decoder, and the peak
 * resident memory (Linux VmHWM) of the load and of each decoder's runs. With {@code --classifier}, also the picture
 * classifier's load and its time per picture on the first image (bench/classifier). {@code --task img2img} does the
 * same for image to image of {@code --source} (its {@code text_s} includes the VAE encoder); {@code --task upscale}
 * times Upscale 2x and 2x detailed of {@code --source} with {@code --upscaler}; {@code --task zoom-out} times Zoom
 * out 2x of {@code --source} at {@code --size} (the canvas's preparation as {@code prepare_s}, then the inpainting:
 * its {@code text_s} includes the mask's blur and the VAE encoder, its {@code decode_s} the paste of the source and
 * the PNG), full VAE only.
 */
@Command(name = "bench", hidden = true, mixinStandardHelpOptions = true,
        description = "Time the pipeline per stage and print JSON (used by bench/pipeline).")
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (optimum ONNX layout).")
    Path model;

    @Option(names = "--fast-decoder", paramLabel = "DIR", description = "TAESD folder; also times decoder: fast.")
    Path fastDecoder;

    @Option(names = "--threads", defaultValue = "2", paramLabel = "N")
    int threads;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N", description = "Timed images per decoder.")
    int runs;

    @Option(names = "--steps", defaultValue = "4", paramLabel = "N")
    int steps;

    @Option(names = "--size", defaultValue = "512", paramLabel = "PX")
    int size;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "N")
    long seed;

    @Option(names = "--prompt", defaultValue = "a photograph of an astronaut riding a horse", paramLabel = "TEXT")
    String prompt;

    @Option(names = "--no-cache", description = "Do not use the optimized-model cache beside the model.")
    boolean noCache;

    @Option(names = "--save", paramLabel = "DIR", description = "Write the first timed image of each decoder here.")
    Path save;

    @Option(names = "--precision", defaultValue = "fp32", paramLabel = "fp32|int8", converter = PrecisionConverter.class,
            description = "The UNet's arithmetic (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--decoder-precision", defaultValue = "fp32", paramLabel = "fp32|int8",
            converter = PrecisionConverter.class, description = "The full VAE decoder's arithmetic.")
    Precision decoderPrecision;

    @Option(names = "--prepare-only", description = "Load (preparing the int8 copy if needed), report and exit.")
    boolean prepareOnly;

    @Option(names = "--compare-precision", paramLabel = "SEEDS",
            description = "Instead of timing: compare the int8 UNet with the fp32 one on SEEDS seeds from --seed"
                    + " (per-step UNet error, picture PSNR) and print JSON; --save writes side-by-side PNGs.")
    Integer compareSeeds;

    @Option(names = "--try-int8-decoder", paramLabel = "SEEDS",
            description = "Experiment: an int8 copy of the full VAE decoder against the fp32 one on SEEDS seeds"
                    + " (PSNR, decode time over --runs alternating decodes); prints JSON.")
    Integer decoderSeeds;

    @Option(names = "--int8-decoder-scheme", paramLabel = "SCHEME",
            description = "With --try-int8-decoder: the quantization scheme, e.g. conv,w7,exclude=conv_shortcut|upsamplers"
                    + " (default: convolutions with this CPU's weight range, no exclusions).")
    String decoderScheme;

    @Option(names = "--classifier", paramLabel = "DIR",
            description = "Picture classifier folder; also times classifying the generated picture.")
    Path classifier;

    @Option(names = "--classifier-runs", defaultValue = "20", paramLabel = "N",
            description = "Timed classifications (after one warm-up).")
    int classifierRuns;
    @Option(names = "--task", defaultValue = "txt2img", paramLabel = "txt2img|img2img|upscale|zoom-out")
    String task;

    @Option(names = "--source", paramLabel = "FILE", description = "The picture for --task img2img, upscale and zoom-out.")
    Path source;

    @Option(names = "--strength", paramLabel = "S",
            description = "Image-to-image strength (default 0.5; with --task zoom-out, the outpaint default 0.8).")
    Double strength;

    @Option(names = "--upscaler", paramLabel = "DIR", description = "The super-resolution network for --task upscale.")
    Path upscaler;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        PipelineOptions options = new PipelineOptions(threads).withFastDecoder(fastDecoder)
                .withOptimizedModelCache(!noCache).withUpscaler(upscaler).withPrecision(precision)
                .withDecoderPrecision(decoderPrecision);
        if (compareSeeds != null) {
            return comparePrecision(options.withFastDecoder(null));
        }
        if (decoderSeeds != null) {
            return tryInt8Decoder(options.withFastDecoder(null));
        }
        Picture picture = task.equals("txt2img") ? null : PictureDecoder.DEFAULT.read(source);
        StringBuilder json = new StringBuilder("{");
        long loadStart = System.nanoTime();
        try (ImageGenerator generator = ImageGenerator.open(model, options)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            double readySeconds = (System.currentTimeMillis() - jvmStart) / 1e3;
            field(json, "engine", quote("imagine"));
            field(json, "threads", Integer.toString(threads));
            field(json, "load_s", num(loadSeconds));
            field(json, "ready_since_jvm_start_s", num(readySeconds));
            field(json, "precision", quote(precision.label()));
            field(json, "decoder_precision", quote(decoderPrecision.label()));
            field(json, "rss_after_load", memory());
            err.printf(Locale.ROOT, "loaded in %.1f s (%.1f s since JVM start)%n", loadSeconds, readySeconds);
            if (prepareOnly) {
                spec.commandLine().getOut().println(json.append('}'));
                return 0;
            }
            field(json, "task", quote(task));
            if (task.equals("upscale")) {
                field(json, "upscales", upscales(generator, picture, err));
                field(json, "rss_end", memory());
                spec.commandLine().getOut().println(json.append('}'));
                return 0;
            }
            Picture prepared = picture == null ? null : generator.prepareSource(picture, size, size);
            boolean zoomOut = task.equals("zoom-out");
            Outpaint.Canvas canvas = null;
            if (zoomOut) {
                List<Double> prepareSeconds = new ArrayList<>();
                for (int run = 0; run <= runs; run++) { // the first is a warm-up
                    long start = System.nanoTime();
                    canvas = Outpaint.prepare(prepared, Outpaint.Mode.ZOOM_2, generator.sizeStep(),
                            GenerationRequest.MAX_SIZE);
                    if (run > 0) {
                        prepareSeconds.add((System.nanoTime() - start) / 1e9);
                    }
                }
                field(json, "prepare_s", "[" + prepareSeconds.stream().map(BenchCommand::num)
                        .collect(Collectors.joining(",")) + "]");
                err.printf(Locale.ROOT, "zoom-out canvas: %.3f s (median)%n", median(prepareSeconds));
                if (save != null) {
                    Files.createDirectories(save);
                    writePng(canvas.picture(), save.resolve("imagine-zoom-out-canvas.png"));
                }
            }
            List<GenerationRequest.Decoder> decoders = new ArrayList<>(List.of(GenerationRequest.Decoder.FULL));
            if (generator.hasFastDecoder() && !zoomOut) {
                decoders.add(GenerationRequest.Decoder.FAST);
            }
            StringBuilder phases = new StringBuilder("{");
            byte[] firstImage = null;
            for (GenerationRequest.Decoder decoder : decoders) {
                resetPeak();
                GenerationRequest request = new GenerationRequest(prompt, seed, steps, 8f, size, size, 1, decoder);
                GenerationRequest warmUp = decoder == GenerationRequest.Decoder.FULL ? request
                        : new GenerationRequest(prompt, seed, 1, 8f, size, size, 1, decoder);
                if (zoomOut) {
                    double chosen = strength == null ? GenerationRequest.DEFAULT_OUTPAINT_STRENGTH : strength;
                    request = request.withOutpaint(canvas, chosen);
                    warmUp = warmUp.withOutpaint(canvas, chosen);
                } else if (prepared != null) {
                    double chosen = strength == null ? GenerationRequest.DEFAULT_STRENGTH : strength;
                    request = request.withSource(prepared, chosen);
                    warmUp = warmUp.withSource(prepared, chosen);
                }
                // Warm-up (the first runs of a session are slow): a whole image for the full decoder, one step for
                // the fast one (the UNet is warm by then).
                long warmStart = System.nanoTime();
                generator.generate(warmUp);
                double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
                err.printf(Locale.ROOT, "%s: warm-up %.1f s%n", decoder, warmSeconds);
                List<String> runJson = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    Timed timed = timed(generator, request);
                    if (firstImage == null) {
                        firstImage = timed.result.images().get(0).png();
                    }
                    runJson.add(timed.json());
                    err.printf(Locale.ROOT, "%s run %d: %.2f s (text %.2f, unet %s, decode %.2f)%n", decoder, run + 1,
                            timed.total, timed.text, timed.steps.stream().map(BenchCommand::num)
                                    .collect(Collectors.joining(" ")), timed.decode);
                    if (run == 0 && save != null) {
                        Files.createDirectories(save);
                        Files.write(save.resolve("imagine-" + decoder.name().toLowerCase(Locale.ROOT) + ".png"),
                                timed.result.images().get(0).png());
                    }
                }
                if (phases.length() > 1) {
                    phases.append(',');
                }
                phases.append(quote(decoder.name().toLowerCase(Locale.ROOT))).append(":{\"warmup_s\":")
                        .append(num(warmSeconds)).append(",\"runs\":[").append(String.join(",", runJson))
                        .append("],\"rss\":").append(memory()).append('}');
            }
            field(json, "decoders", phases.append('}').toString());
            if (classifier != null) {
                field(json, "classifier", timeClassifier(firstImage, options, err));
            }
        }
        field(json, "rss_end", memory());
        spec.commandLine().getOut().println(json.append('}'));
        return 0;
    }

    /** Per seed: the UNet's relative error at each step against fp32, and the int8 picture's PSNR. */
    private int comparePrecision(PipelineOptions options) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        List<String> results = new ArrayList<>();
        for (int i = 0; i < compareSeeds; i++) {
            long s = seed + i;
            PrecisionComparison comparison = PrecisionComparison.run(model, options,
                    new GenerationRequest(prompt, s, steps, 8f, size, size, 1));
            String errors = comparison.steps().stream()
                    .map(e -> "{\"timestep\":" + e.timestep() + ",\"relative_error\":" + num(e.relativeError())
                            + ",\"max_abs_error\":" + num(e.maxAbsError()) + "}")
                    .collect(Collectors.joining(","));
            results.add("{\"seed\":" + s + ",\"steps\":[" + errors + "],\"psnr_db\":" + num(comparison.psnr()) + "}");
            err.printf(Locale.ROOT, "seed %d: UNet error per step %s, picture PSNR %.2f dB%n", s,
                    comparison.steps().stream().map(e -> String.format(Locale.ROOT, "%.2f%%", 100 * e.relativeError()))
                            .collect(Collectors.joining(" ")), comparison.psnr());
            if (save != null) {
                Files.createDirectories(save);
                Files.write(save.resolve("fp32-vs-int8-seed" + s + ".png"), comparison.sideBySidePng());
            }
        }
        spec.commandLine().getOut().println("{\"engine\":\"imagine\",\"compare_precision\":[" + String.join(",", results)
                + "]}");
        return 0;
    }

    private int tryInt8Decoder(PipelineOptions options) throws IOException {
        DecoderQuantizationTrial trial = DecoderQuantizationTrial.run(model, options,
                new GenerationRequest(prompt, seed, steps, 8f, size, size, 1), decoderSeeds, runs,
                decoderScheme);
        spec.commandLine().getErr().printf(Locale.ROOT, "int8 VAE decoder (%s): PSNR %s dB; decode %.2f s against "
                        + "%.2f s in fp32%n", trial.scheme(), trial.psnr().stream().map(BenchCommand::num)
                        .collect(Collectors.joining(" ")), trial.int8Seconds(), trial.fp32Seconds());
        if (save != null) {
            Files.createDirectories(save);
            Files.write(save.resolve("decoder-fp32-vs-int8.png"), PrecisionComparison.sideBySidePng(
                    trial.fp32Rgb(), trial.int8Rgb(), trial.width(), trial.height(), "left: fp32 VAE decoder, right: "
                            + "int8 VAE decoder"));
        }
        spec.commandLine().getOut().println("{\"engine\":\"imagine\",\"int8_decoder\":{\"scheme\":" + quote(trial.scheme())
                + ",\"psnr_db\":[" + trial.psnr().stream().map(BenchCommand::num).collect(Collectors.joining(","))
                + "],\"fp32_decode_s\":" + num(trial.fp32Seconds()) + ",\"int8_decode_s\":"
                + num(trial.int8Seconds()) + "}}");
        return 0;
    }

    /**
     * Loads the classifier beside the generator, then times it on the picture: the whole check from PNG bytes
     * (decode, resize, normalise, network) and the network's part alone (from RGB already decoded and resized
     * to the model's size, so that only normalisation and the network remain).
     */
    private String timeClassifier(byte[] png, PipelineOptions options, PrintWriter err) throws IOException {
        resetPeak();
        long loadStart = System.nanoTime();
        try (ImageClassifier nsfw = ImageClassifier.open(classifier, options)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            String afterLoad = memory();
            java.awt.image.BufferedImage decoded = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            int side = 224;
            byte[] rgb = new byte[side * side * 3];
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = (byte) (i * 31);
            }
            nsfw.classifyPng(png);
            List<Double> fromPng = new ArrayList<>();
            List<Double> fromRgb = new ArrayList<>();
            LabelScores last = null;
            for (int run = 0; run < classifierRuns; run++) {
                long start = System.nanoTime();
                last = nsfw.classifyPng(png);
                fromPng.add((System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                nsfw.classify(rgb, side, side);
                fromRgb.add((System.nanoTime() - start) / 1e9);
            }
            err.printf(Locale.ROOT, "classifier: loaded in %.2f s; per %dx%d picture median %.3f s (network at %dx%d: "
                            + "%.3f s); %s%n", loadSeconds, decoded.getWidth(), decoded.getHeight(), median(fromPng), side,
                    side, median(fromRgb), last);
            return "{\"load_s\":" + num(loadSeconds) + ",\"picture\":\"" + decoded.getWidth() + "x"
                    + decoded.getHeight() + "\",\"png_s\":[" + fromPng.stream().map(BenchCommand::num)
                    .collect(Collectors.joining(",")) + "],\"rgb_224_s\":[" + fromRgb.stream()
                    .map(BenchCommand::num).collect(Collectors.joining(",")) + "],\"rss_after_load\":" + afterLoad
                    + ",\"rss\":" + memory() + "}";
        }
    }

    private static void writePng(Picture picture, Path file) throws IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(picture.width(), picture.height(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                image.setRGB(x, y, picture.channel(x, y, 0) << 16 | picture.channel(x, y, 1) << 8
                        | picture.channel(x, y, 2));
            }
        }
        javax.imageio.ImageIO.write(image, "png", file.toFile());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Upscale 2x (warm-up, then --runs) and 2x detailed (--runs), each with its own peak. */
    private String upscales(ImageGenerator generator, Picture picture, PrintWriter err) throws IOException {
        StringBuilder out = new StringBuilder("{");
        for (UpscaleRequest.Kind kind : UpscaleRequest.Kind.values()) {
            resetPeak();
            UpscaleRequest request = kind == UpscaleRequest.Kind.X2
                    ? UpscaleRequest.x2(picture, prompt, seed, steps, 8f)
                    : UpscaleRequest.detailed(picture, prompt, seed, 8f);
            double warm = 0;
            if (kind == UpscaleRequest.Kind.X2) {
                long warmStart = System.nanoTime();
                generator.upscale(request, ProgressListener.NONE, CancellationSignal.NEVER);
                warm = (System.nanoTime() - warmStart) / 1e9;
            }
            List<String> runJson = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                List<Long> marks = new ArrayList<>();
                long start = System.nanoTime();
                GeneratedImage image = generator.upscale(request, p -> marks.add(System.nanoTime()),
                        CancellationSignal.NEVER);
                double total = (System.nanoTime() - start) / 1e9;
                runJson.add("{\"total_s\":" + num(total) + ",\"steps\":" + marks.size() + "}");
                err.printf(Locale.ROOT, "%s run %d: %.2f s (%d refinement steps)%n", kind, run + 1, total,
                        marks.size());
                if (run == 0 && save != null) {
                    Files.createDirectories(save);
                    Files.write(save.resolve("imagine-" + kind.name().toLowerCase(Locale.ROOT) + ".png"), image.png());
                }
            }
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(quote(kind == UpscaleRequest.Kind.X2 ? "x2" : "x2_detailed")).append(":{\"warmup_s\":")
                    .append(num(warm)).append(",\"runs\":[").append(String.join(",", runJson)).append("],\"rss\":")
                    .append(memory()).append('}');
        }
        return out.append('}').toString();
    }

    /**
     * Wall-clock seconds per stage, and the process's CPU seconds per UNet step: on a machine shared with other
     * work the wall clock stretches with the load, the CPU time much less (run with
     * {@code -Dimagine.ort.config.session.intra_op.allow_spinning=0} so that waiting threads do not burn it).
     */
    private record Timed(double total, double text, List<Double> steps, List<Double> stepCpu, double decode,
                         double decodeCpu, GenerationResult result) {
        String json() {
            return "{\"total_s\":" + num(total) + ",\"text_s\":" + num(text) + ",\"unet_steps_s\":["
                    + steps.stream().map(BenchCommand::num).collect(Collectors.joining(",")) + "],\"unet_steps_cpu_s\":["
                    + stepCpu.stream().map(BenchCommand::num).collect(Collectors.joining(",")) + "],\"decode_s\":"
                    + num(decode) + ",\"decode_cpu_s\":" + num(decodeCpu) + "}";
        }
    }

    private static Timed timed(ImageGenerator generator, GenerationRequest request) {
        List<Long> marks = new ArrayList<>();
        List<Long> cpu = new ArrayList<>();
        long start = System.nanoTime();
        long startCpu = processCpuNanos();
        ProgressListener listener = progress -> {
            marks.add(System.nanoTime());
            cpu.add(processCpuNanos());
        };
        GenerationResult result = generator.generate(request, listener, () -> false);
        long end = System.nanoTime();
        // marks: TEXT_ENCODED, one STEP_DONE per step, DECODED (the last includes the PNG encoding)
        double text = (marks.get(0) - start) / 1e9;
        List<Double> steps = new ArrayList<>();
        List<Double> stepCpu = new ArrayList<>();
        for (int i = 1; i < marks.size() - 1; i++) {
            steps.add((marks.get(i) - marks.get(i - 1)) / 1e9);
            stepCpu.add((cpu.get(i) - cpu.get(i - 1)) / 1e9);
        }
        int last = marks.size() - 1;
        double decode = (marks.get(last) - marks.get(last - 1)) / 1e9;
        double decodeCpu = (cpu.get(last) - cpu.get(last - 1)) / 1e9;
        return new Timed((end - start) / 1e9, text, steps, stepCpu, decode, decodeCpu, result);
    }

    /** CPU time of the whole process (all threads, ONNX Runtime's included), or -1 where the JVM cannot tell. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** VmHWM (peak since the last reset), VmRSS and its anonymous and file-backed parts, from /proc/self/status. */
    private static String memory() {
        long peak = -1;
        long current = -1;
        long anon = -1;
        long file = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line) * 1024;
                } else if (line.startsWith("VmRSS:")) {
                    current = kilobytes(line) * 1024;
                } else if (line.startsWith("RssAnon:")) {
                    anon = kilobytes(line) * 1024;
                } else if (line.startsWith("RssFile:")) {
                    file = kilobytes(line) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave -1
        }
        return "{\"peak_bytes\":" + peak + ",\"current_bytes\":" + current + ",\"anon_bytes\":" + anon
                + ",\"file_bytes\":" + file + "}";
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Resets VmHWM to the current RSS (Linux: write 5 to /proc/self/clear_refs). */
    private static void resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static void field(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append(quote(name)).append(':').append(value);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
