package dev.imagine.bot.testing;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PngParameters;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.PromptChunk;
import dev.imagine.pipeline.PromptSyntax;
import dev.imagine.pipeline.StepControl;
import dev.imagine.pipeline.TokenizedPrompt;
import dev.imagine.pipeline.UpscaleRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The tests' one stand-in for the pipeline. It draws small real PNGs of its own ({@link #fake()}: their pixels
 * depend on what decides the pixels, their text is the request's own, as the real pipeline writes it) or lets a real
 * generator draw ({@link #over}: the tiny model). Either way it records what it was asked for and each step it took,
 * can fail on a prompt, and holds generations until the test lets them go: at their start ({@link #hold()}, or
 * {@link #holdPrompt} for one prompt) or before each denoising step ({@link #holdSteps()}). Waits for the test end
 * with an error after 30 s, so that a test that forgets to let go fails instead of hanging.
 */
public final class TestGenerator implements ImageGenerator {
    private static final long PATIENCE_SECONDS = 30;

    private final ImageGenerator pipeline;

    /** The requests begun, in order. */
    public final List<GenerationRequest> generated = new CopyOnWriteArrayList<>();
    /** How many generations were begun. */
    public final AtomicInteger generations = new AtomicInteger();
    /** A permit for each generation begun (held or not) since the last {@link #hold()} or {@link #holdPrompt}. */
    public final Semaphore entered = new Semaphore(0);
    /** A permit for each generation that waits at its start for {@link #open()}. */
    public final Semaphore held = new Semaphore(0);
    /** A permit for each step that waits for {@link #releaseSteps}. */
    public final Semaphore stepWaiting = new Semaphore(0);
    /** Every step taken, in order, as "prompt#step", so that tests can see which job ran when. */
    public final List<String> stepLog = new CopyOnWriteArrayList<>();
    /** The prompts of the generations begun and not yet closed. */
    public final Set<String> unclosed = ConcurrentHashMap.newKeySet();

    private final Semaphore steps = new Semaphore(0);
    private volatile boolean holdingSteps;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile String heldPrompt;
    private volatile String failOnPrompt;
    private volatile boolean imageToImage = true;
    private volatile boolean upscaler;
    private volatile boolean upscalerRemoved;
    /** Every upscale asked for, in order. */
    public final List<UpscaleRequest> upscaled = new CopyOnWriteArrayList<>();

    private dev.imagine.pipeline.Precision fakePrecision = dev.imagine.pipeline.Precision.FP32;
    private Set<dev.imagine.pipeline.Precision> fakePrecisions = java.util.EnumSet.of(dev.imagine.pipeline.Precision.FP32);

    private TestGenerator(ImageGenerator pipeline) {
        this.pipeline = pipeline;
    }

    /** Draws small PNGs of its own, at once; tokenizes a prompt as its lower-case characters. */
    public static TestGenerator fake() {
        return new TestGenerator(null);
    }

    /**
     * The fake holds the UNets of these precisions, {@code configured} first (as a generator opened with
     * {@code PipelineOptions.withPrecisionComparison}); an int8 picture has other pixels than the fp32 one, and a
     * request for a precision it does not hold fails as the pipeline's does.
     */
    public TestGenerator withPrecisions(dev.imagine.pipeline.Precision configured,
                                        dev.imagine.pipeline.Precision... others) {
        fakePrecision = configured;
        fakePrecisions = java.util.EnumSet.of(configured, others);
        return this;
    }

    @Override
    public dev.imagine.pipeline.Precision precision() {
        return pipeline == null ? fakePrecision : pipeline.precision();
    }

    @Override
    public Set<dev.imagine.pipeline.Precision> precisions() {
        return pipeline == null ? java.util.Collections.unmodifiableSet(fakePrecisions) : pipeline.precisions();
    }

    /** Lets {@code pipeline} draw (and tokenize); {@code close} leaves it open. */
    public static TestGenerator over(ImageGenerator pipeline) {
        return new TestGenerator(pipeline);
    }

    // ---- what the test lets happen ----

    /**
     * From now on every generation waits at its start until {@link #open()}; {@link #entered} counts from here, so a
     * generation that finished before cannot pass for one that is held.
     */
    public void hold() {
        entered.drainPermits();
        heldPrompt = null;
        gate = new CountDownLatch(1);
    }

    /**
     * From now on the generations of {@code prompt} wait at their start until {@link #open()}; {@link #entered} counts
     * from here.
     */
    public void holdPrompt(String prompt) {
        entered.drainPermits();
        heldPrompt = prompt;
        gate = new CountDownLatch(1);
    }

    /** Lets the generations held at their start go, and those that come later. */
    public void open() {
        gate.countDown();
    }

    /** From now on each denoising step waits until the test releases it. */
    public void holdSteps() {
        holdingSteps = true;
    }

    public void releaseSteps(int count) {
        steps.release(count);
    }

    /** Lets every step go from now on. */
    public void releaseAll() {
        holdingSteps = false;
        steps.release(1000);
        open();
    }

    /** A generation of {@code prompt} fails when begun, as a broken network would. */
    public void failWhenPromptIs(String prompt) {
        failOnPrompt = prompt;
    }

    // ---- the generator ----

    /**
     * The pipeline's reading, or the fake's: the prompt's lower-case characters, in one chunk, and like the pipeline
     * one more chunk for each BREAK of an A1111 prompt.
     */
    @Override
    public TokenizedPrompt tokenize(String prompt, PromptSyntax syntax) {
        if (pipeline != null) {
            return pipeline.tokenize(prompt, syntax);
        }
        int[] ids = new int[77];
        String lower = prompt.strip().toLowerCase(Locale.ROOT);
        for (int i = 0; i < Math.min(lower.length(), 75); i++) {
            ids[i + 1] = lower.charAt(i);
        }
        int chunks = syntax == PromptSyntax.A1111 ? prompt.split("\\bBREAK\\b", -1).length : 1;
        return new TokenizedPrompt(syntax, Collections.nCopies(chunks, PromptChunk.unweighted(ids)), lower.length(),
                Math.min(lower.length(), 75));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        try (Generation generation = begin(request)) {
            generation.run(StepControl.of(progress, cancel));
            return generation.finish();
        }
    }

    @Override
    public Generation begin(GenerationRequest request) {
        generated.add(request);
        generations.incrementAndGet();
        entered.release();
        if (request.prompt().equals(failOnPrompt)) {
            throw new PipelineException("the fake network broke");
        }
        String prompt = heldPrompt;
        if (prompt == null || prompt.equals(request.prompt())) {
            CountDownLatch now = gate;
            if (now.getCount() > 0) {
                held.release();
                await(now, "the test never opened the gate for \"" + request.prompt() + "\"");
            }
        }
        if (pipeline == null && request.precision() != null && !fakePrecisions.contains(request.precision())) {
            throw new PipelineException("the " + request.precision().label() + " UNet was asked for, but this"
                    + " generator holds the " + fakePrecision.label() + " one only");
        }
        Generation generation = pipeline == null ? new FakeGeneration(request.precision() == null
                ? request.withPrecision(fakePrecision) : request) : pipeline.begin(request);
        unclosed.add(request.prompt());
        return new Observed(generation);
    }

    @Override
    public boolean hasFastDecoder() {
        return pipeline != null && pipeline.hasFastDecoder();
    }

    /** The fake starts from pictures as the pipeline does; over a pipeline, as that pipeline can. */
    @Override
    public boolean supportsImageToImage() {
        return pipeline == null ? imageToImage : pipeline.supportsImageToImage();
    }

    /** From now on the fake has no VAE encoder: it cannot start from a picture. */
    public TestGenerator withoutImageToImage() {
        imageToImage = false;
        return this;
    }

    /** From now on the fake upscales (its pictures at twice the size, of the same blocks). */
    public TestGenerator withUpscaler() {
        upscaler = true;
        return this;
    }

    @Override
    public int sizeStep() {
        return pipeline == null ? ImageGenerator.super.sizeStep() : pipeline.sizeStep();
    }

    @Override
    public Picture prepareSource(Picture picture, Integer width, Integer height) {
        return pipeline == null ? ImageGenerator.super.prepareSource(picture, width, height)
                : pipeline.prepareSource(picture, width, height);
    }

    @Override
    public boolean supportsUpscale() {
        return pipeline == null ? upscaler : pipeline.supportsUpscale() && !upscalerRemoved;
    }

    /** From now on this generator has no upscaler, as a bot whose config names none. */
    public TestGenerator withoutUpscaler() {
        upscaler = false;
        upscalerRemoved = true;
        return this;
    }

    @Override
    public String upscalerName() {
        return pipeline == null ? (upscaler ? "fake-upscaler" : null) : pipeline.upscalerName();
    }

    /** Counts as a generation (the test may hold it at its start); the fake's picture is its source, doubled. */
    @Override
    public GeneratedImage upscale(UpscaleRequest request, ProgressListener progress, CancellationSignal cancel) {
        upscaled.add(request);
        generations.incrementAndGet();
        entered.release();
        CountDownLatch now = gate;
        if (heldPrompt == null && now.getCount() > 0) {
            held.release();
            await(now, "the test never opened the gate for the upscale of \"" + request.prompt() + "\"");
        }
        if (pipeline != null) {
            return pipeline.upscale(request, progress, cancel);
        }
        if (!upscaler) {
            throw new PipelineException("this generator cannot upscale");
        }
        if (cancel.isCancelled()) {
            throw new GenerationCancelledException(0, 1);
        }
        Picture source = request.source();
        Picture doubled = source.resized(source.width() * 2, source.height() * 2);
        byte[] png = PngParameters.labelled(pngOf(doubled), request, modelName(), upscalerName());
        progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, 1, 1));
        return new GeneratedImage(request.seed(), doubled.width(), doubled.height(), png);
    }

    @Override
    public String modelName() {
        return pipeline == null ? "fake" : pipeline.modelName();
    }

    @Override
    public void close() {
    }

    private static void await(CountDownLatch latch, String otherwise) {
        try {
            if (!latch.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(otherwise);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A generation as the test sees it: each step held while {@link #holdSteps()}, logged, closed once. */
    private final class Observed implements Generation {
        private final Generation inner;

        Observed(Generation inner) {
            this.inner = inner;
        }

        @Override
        public GenerationRequest request() {
            return inner.request();
        }

        @Override
        public boolean step(ProgressListener progress, CancellationSignal cancel) {
            if (holdingSteps && !inner.denoised()) {
                stepWaiting.release();
                waitForAStep();
            }
            boolean stepped = inner.step(progress, cancel);
            if (stepped) {
                stepLog.add(request().prompt() + "#" + inner.stepsDone());
            }
            return stepped;
        }

        private void waitForAStep() {
            try {
                if (!steps.tryAcquire(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released step " + (inner.stepsDone() + 1)
                            + " of \"" + request().prompt() + "\"");
                }
            } catch (InterruptedException e) {
                // The worker is being stopped: the step is abandoned as a cancelled one would be.
                Thread.currentThread().interrupt();
                throw new GenerationCancelledException(inner.stepsDone(), inner.totalSteps());
            }
        }

        @Override
        public int stepsDone() {
            return inner.stepsDone();
        }

        @Override
        public int totalSteps() {
            return inner.totalSteps();
        }

        @Override
        public GenerationResult finish() {
            return inner.finish();
        }

        @Override
        public void close() {
            inner.close();
            unclosed.remove(request().prompt());
        }
    }

    // ---- the fake's own pictures ----

    /** Steps that compute nothing, and small PNGs when finished. */
    private final class FakeGeneration implements Generation {
        private final GenerationRequest request;
        private final int total;
        private int done;

        FakeGeneration(GenerationRequest request) {
            this.request = request;
            this.total = request.steps() * request.count();
        }

        @Override
        public GenerationRequest request() {
            return request;
        }

        @Override
        public int totalSteps() {
            return total;
        }

        @Override
        public int stepsDone() {
            return done;
        }

        /** Counts the step and reports it; nothing is computed. */
        @Override
        public boolean step(ProgressListener progress, CancellationSignal cancel) {
            if (denoised()) {
                return false;
            }
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(done, total);
            }
            done++;
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, done,
                    total));
            return true;
        }

        @Override
        public GenerationResult finish() {
            if (done < total) {
                throw new IllegalStateException("steps left");
            }
            List<GeneratedImage> images = new ArrayList<>();
            for (int i = 0; i < request.count(); i++) {
                images.add(new GeneratedImage(request.seedOf(i), request.width(), request.height(),
                        pngFor(request, i)));
            }
            return new GenerationResult(images, tokenize(request.prompt(), request.promptSyntax()), Duration.ZERO,
                    Duration.ofMillis(1), Duration.ZERO);
        }

        @Override
        public void close() {
        }
    }

    /**
     * A small real PNG: its pixels depend on what decides the pixels (the prompt as tokenized, seed, steps, size,
     * guidance), its text chunk is the request's own parameters, as the real pipeline writes them.
     */
    public byte[] pngFor(GenerationRequest request, int index) {
        int[] pixelsOf = Arrays.copyOf(tokenize(request.prompt(), request.promptSyntax()).ids(), 77 + 7);
        pixelsOf[77] = (int) request.seedOf(index);
        pixelsOf[78] = request.steps();
        pixelsOf[79] = request.width();
        pixelsOf[80] = request.height();
        pixelsOf[81] = Float.floatToIntBits(request.guidance());
        if (request.precision() == dev.imagine.pipeline.Precision.INT8) {
            pixelsOf[81] ^= 0x5a5a5a; // the int8 UNet's picture is a slightly different one
        }
        if (request.isImageToImage()) {
            pixelsOf[82] = request.source().pixelHash().hashCode();
            pixelsOf[83] = Double.hashCode(request.strength());
        }
        Random random = new Random(Arrays.hashCode(pixelsOf));
        // 8 x 8 blocks of one colour each at the request's size: a picture of the size asked (image to image starts
        // from it) that stays a small file.
        int[] blocks = new int[64];
        for (int i = 0; i < 64; i++) {
            blocks[i] = random.nextInt(1 << 24);
        }
        int width = request.width();
        int height = request.height();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = blocks[(y * 8 / height) * 8 + x * 8 / width];
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PngParameters.labelled(png.toByteArray(), request, index, modelName());
    }

    private static byte[] pngOf(Picture picture) {
        BufferedImage image = new BufferedImage(picture.width(), picture.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                image.setRGB(x, y, picture.channel(x, y, 0) << 16 | picture.channel(x, y, 1) << 8
                        | picture.channel(x, y, 2));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /**
     * What a PNG says it is, "png:prompt:seed:steps:WxH", read from its text chunk: the prompt and parameters the
     * person it was delivered to sees.
     */
    public static String describe(byte[] png) {
        String text = PngParameters.read(png).orElseThrow(() -> new AssertionError("the PNG has no parameters"));
        int lastBreak = text.lastIndexOf('\n');
        String fields = text.substring(lastBreak + 1);
        return "png:" + text.substring(0, lastBreak) + ":" + field(fields, "Seed") + ":" + field(fields, "Steps") + ":"
                + field(fields, "Size");
    }

    private static String field(String fields, String name) {
        Matcher m = Pattern.compile("(?:^|, )" + name + ": ([^,]*)").matcher(fields);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + fields);
        }
        return m.group(1);
    }
}
