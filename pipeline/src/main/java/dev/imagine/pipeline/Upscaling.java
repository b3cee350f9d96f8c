package dev.imagine.pipeline;

import dev.imagine.pipeline.image.GenerationParameters;
import dev.imagine.pipeline.image.PngEncoder;
import dev.imagine.pipeline.upscale.SuperResolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The two upscales of {@link UpscaleRequest}. The detailed one cuts the 2x picture into overlapping tiles, runs each
 * through the pipeline's image to image (diffusers' {@code LatentConsistencyModelImg2ImgPipeline} with
 * {@code output_type="np"}, the request's seed for every tile) and blends them: across an overlap each tile's weight
 * ramps linearly, {@code min(1, (i + 0.5) / left, (size - i - 0.5) / right)} along x times the same along y, and
 * the picture is the weighted mean in double precision, rounded once.
 */
final class Upscaling {
    private Upscaling() {
    }

    static GeneratedImage run(LcmPipeline pipeline, SuperResolution network, UpscaleRequest request,
                              ProgressListener progress, CancellationSignal cancel) {
        Picture source = request.source();
        if (cancel.isCancelled()) {
            throw new GenerationCancelledException(0, totalSteps(pipeline, request));
        }
        Picture doubled = twice(network, source);
        byte[] rgb = request.kind() == UpscaleRequest.Kind.X2 ? doubled.rgb()
                : refine(pipeline, doubled, request, progress, cancel);
        int width = doubled.width();
        int height = doubled.height();
        byte[] png = PngEncoder.encode(rgb, width, height, Map.of(GenerationParameters.PNG_KEYWORD,
                PngParameters.textOf(request, pipeline.modelName(), network.name())));
        return new GeneratedImage(request.seed(), width, height, png);
    }

    /** The network's 4x (or whatever its factor), then Pillow's Lanczos to exactly twice the size. */
    static Picture twice(SuperResolution network, Picture source) {
        byte[] up = network.upscale(source.rgb(), source.width(), source.height());
        int s = network.scale();
        Picture big = Picture.ofRgb(up, source.width() * s, source.height() * s);
        return big.resized(source.width() * 2, source.height() * 2);
    }

    /** How many tiles the detailed upscale cuts a picture of this (output) size into. */
    static int tileCount(int width, int height, int sizeStep) {
        return Tiles.along(width, UpscaleRequest.DEFAULT_TILE, UpscaleRequest.DEFAULT_OVERLAP, sizeStep).origins().size()
                * Tiles.along(height, UpscaleRequest.DEFAULT_TILE, UpscaleRequest.DEFAULT_OVERLAP, sizeStep).origins()
                .size();
    }

    static int totalSteps(LcmPipeline pipeline, UpscaleRequest request) {
        if (request.kind() == UpscaleRequest.Kind.X2) {
            return 0;
        }
        int step = pipeline.sizeStep();
        return Tiles.along(request.outputWidth(), request.tile(), request.overlap(), step).origins().size()
                * Tiles.along(request.outputHeight(), request.tile(), request.overlap(), step).origins().size()
                * request.steps();
    }

    private static byte[] refine(LcmPipeline pipeline, Picture doubled, UpscaleRequest request,
                                 ProgressListener progress, CancellationSignal cancel) {
        int width = doubled.width();
        int height = doubled.height();
        int step = pipeline.sizeStep();
        Tiles xs = Tiles.along(width, request.tile(), request.overlap(), step);
        Tiles ys = Tiles.along(height, request.tile(), request.overlap(), step);
        int total = xs.origins().size() * ys.origins().size() * request.steps();
        LcmPipeline.Conditioning conditioning = pipeline.conditioning(request.prompt(), request.guidance());
        double[] sum = new double[width * height * 3];
        double[] weights = new double[width * height];
        int[] done = {0};
        for (int a = 0; a < ys.origins().size(); a++) {
            for (int b = 0; b < xs.origins().size(); b++) {
                int x0 = xs.origins().get(b);
                int y0 = ys.origins().get(a);
                Picture tile = doubled.crop(x0, y0, xs.size(), ys.size());
                float[] chw = pipeline.imageToImageFloats(conditioning, tile, request.seed(), request.steps(),
                        request.strength(), request.guidance(), () -> {
                            if (cancel.isCancelled()) {
                                throw new GenerationCancelledException(done[0], total);
                            }
                        }, () -> {
                            done[0]++;
                            progress.onProgress(new ProgressListener.Progress(
                                    ProgressListener.Progress.Stage.STEP_DONE, done[0], total));
                        });
                double[] wx = xs.weights(b);
                double[] wy = ys.weights(a);
                int plane = xs.size() * ys.size();
                for (int y = 0; y < ys.size(); y++) {
                    for (int x = 0; x < xs.size(); x++) {
                        double w = wy[y] * wx[x];
                        int p = (y0 + y) * width + x0 + x;
                        weights[p] += w;
                        for (int c = 0; c < 3; c++) {
                            sum[p * 3 + c] += chw[c * plane + y * xs.size() + x] * w;
                        }
                    }
                }
            }
        }
        byte[] rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++) {
            for (int c = 0; c < 3; c++) {
                double v = sum[p * 3 + c] / weights[p];
                v = v < 0 ? 0 : Math.min(v, 1);
                rgb[p * 3 + c] = (byte) (int) Math.rint(v * 255);
            }
        }
        return rgb;
    }

    /**
     * Tile origins along one axis. The tile is min(T, L rounded down to the size step); one tile when that is L, else
     * n = max(2, ceil((L - O) / (t - O))) tiles spread evenly from 0 to L - t, origins rounded down to multiples of 8.
     */
    record Tiles(List<Integer> origins, int size) {
        static Tiles along(int length, int tile, int overlap, int step) {
            int t = Math.min(tile, length / step * step);
            if (t < step) {
                throw new PipelineException("the picture is " + length + " pixels across; the detailed upscale needs at "
                        + "least " + step);
            }
            if (t == length) {
                return new Tiles(List.of(0), t);
            }
            int n = Math.max(2, (int) Math.ceil((double) (length - overlap) / (t - overlap)));
            List<Integer> origins = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                origins.add((int) ((long) k * (length - t) / (n - 1)) / 8 * 8);
            }
            return new Tiles(List.copyOf(origins), t);
        }

        /** Linear ramps where tile k overlaps its neighbours. */
        double[] weights(int k) {
            double[] w = new double[size];
            for (int i = 0; i < size; i++) {
                double centre = i + 0.5;
                double value = 1.0;
                if (k > 0) {
                    int left = origins.get(k - 1) + size - origins.get(k);
                    value = Math.min(value, centre / left);
                }
                if (k + 1 < origins.size()) {
                    int right = origins.get(k) + size - origins.get(k + 1);
                    value = Math.min(value, (size - centre) / right);
                }
                w[i] = value;
            }
            return w;
        }
    }
}
