package dev.imagine.bot.job;

import dev.imagine.pipeline.CancellationSignal;
import dev.imagine.pipeline.GeneratedImage;
import dev.imagine.pipeline.Generation;
import dev.imagine.pipeline.GenerationCancelledException;
import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.PipelineException;
import dev.imagine.pipeline.PngParameters;
import dev.imagine.pipeline.ProgressListener;
import dev.imagine.pipeline.StepControl;
import dev.imagine.pipeline.TokenizedPrompt;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A generator of small real PNGs whose text chunk is the request, so tests can see exactly what was generated and
 * delivered ({@link #describe}). Steps
 * can be held back with {@link #holdSteps()} / {@link #releaseSteps(int)} to test what happens while a job runs.
 */
final class FakeGenerator implements ImageGenerator {
    final List<GenerationRequest> generated = new CopyOnWriteArrayList<>();
    private final Semaphore steps = new Semaphore(0);
    private volatile String failOnPrompt;
    private volatile boolean holding;
    final Semaphore stepWaiting = new Semaphore(0);

    void holdSteps() {
        holding = true;
    }

    void releaseSteps(int count) {
        steps.release(count);
    }

    void releaseAll() {
        holding = false;
        steps.release(1000);
    }

    void failWhenPromptIs(String prompt) {
        failOnPrompt = prompt;
    }

    /**
     * A small real PNG: its pixels depend on what decides the pixels (the prompt as tokenized, seed, steps, size,
     * guidance), its text chunk is the request's own parameters, as the real pipeline writes them.
     */
    byte[] pngFor(GenerationRequest request, int index) {
        int[] pixelsOf = Arrays.copyOf(tokenize(request.prompt()).ids(), 77 + 5);
        pixelsOf[77] = (int) request.seedOf(index);
        pixelsOf[78] = request.steps();
        pixelsOf[79] = request.width();
        pixelsOf[80] = request.height();
        pixelsOf[81] = Float.floatToIntBits(request.guidance());
        Random random = new Random(Arrays.hashCode(pixelsOf));
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PngParameters.labelled(png.toByteArray(), request, index, modelName());
    }

    /**
     * What a PNG of this generator says it is, "png:prompt:seed:steps:WxH", read from its text chunk: the prompt and
     * parameters the person it was delivered to sees.
     */
    static String describe(byte[] png) {
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

    /** The image data (IDAT) of a PNG: what two deliveries of one picture share byte for byte. */
    static byte[] pixelData(byte[] png) {
        ByteBuffer buffer = ByteBuffer.wrap(png);
        for (int offset = 8; offset < png.length; offset += buffer.getInt(offset) + 12) {
            if (new String(png, offset + 4, 4, StandardCharsets.ISO_8859_1).equals("IDAT")) {
                return Arrays.copyOfRange(png, offset + 8, offset + 8 + buffer.getInt(offset));
            }
        }
        throw new AssertionError("no IDAT");
    }

    @Override
    public TokenizedPrompt tokenize(String prompt) {
        int[] ids = new int[77];
        String lower = prompt.strip().toLowerCase(java.util.Locale.ROOT);
        for (int i = 0; i < Math.min(lower.length(), 75); i++) {
            ids[i + 1] = lower.charAt(i);
        }
        return new TokenizedPrompt(ids, lower.length(), Math.min(lower.length(), 75));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener progress, CancellationSignal cancel) {
        try (Generation generation = begin(request)) {
            generation.run(StepControl.of(progress, cancel));
            return generation.finish();
        }
    }

    /** Every step taken, in order, as "prompt#step", so tests can see which job ran when. */
    final List<String> stepLog = new CopyOnWriteArrayList<>();
    /** Generations begun and not yet closed, by prompt. */
    final Set<String> open = ConcurrentHashMap.newKeySet();

    @Override
    public Generation begin(GenerationRequest request) {
        generated.add(request);
        if (request.prompt().equals(failOnPrompt)) {
            throw new PipelineException("the fake network broke");
        }
        open.add(request.prompt());
        return new FakeGeneration(request);
    }

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
        public boolean step(ProgressListener progress, CancellationSignal cancel) {
            if (done >= total) {
                return false;
            }
            if (cancel.isCancelled()) {
                throw new GenerationCancelledException(done, total);
            }
            if (holding) {
                stepWaiting.release();
                try {
                    while (!steps.tryAcquire(10, TimeUnit.MILLISECONDS)) {
                        if (cancel.isCancelled()) {
                            throw new GenerationCancelledException(done, total);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new GenerationCancelledException(done, total);
                }
            }
            done++;
            stepLog.add(request.prompt() + "#" + done);
            progress.onProgress(new ProgressListener.Progress(ProgressListener.Progress.Stage.STEP_DONE, done, total));
            return true;
        }

        @Override
        public int stepsDone() {
            return done;
        }

        @Override
        public int totalSteps() {
            return total;
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
            return new GenerationResult(images, tokenize(request.prompt()), Duration.ZERO, Duration.ofMillis(1),
                    Duration.ZERO);
        }

        @Override
        public void close() {
            open.remove(request.prompt());
        }
    }

    @Override
    public String modelName() {
        return "fake";
    }

    @Override
    public void close() {
    }
}
