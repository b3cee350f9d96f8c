package dev.imagine.pipeline.consumer;

import dev.imagine.pipeline.GenerationRequest;
import dev.imagine.pipeline.GenerationResult;
import dev.imagine.pipeline.ImageGenerator;
import dev.imagine.pipeline.Picture;
import dev.imagine.pipeline.PictureDecoder;
import dev.imagine.pipeline.PipelineOptions;
import java.nio.file.Path;

/**
 * An application that uses the pipeline as a module ({@code --module-path}, {@code --add-modules}): it draws one
 * picture with the model folder given and prints {@code DREW <bytes> <module of the generator>}; given a WebP
 * picture too, it decodes it (ImageIO finds the TwelveMonkeys reader as a service of its module) and prints
 * {@code READ <pixel hash>}. Run by {@code ModuleDescriptorTest} in a JVM of its own.
 */
public final class ModularConsumer {
    private ModularConsumer() {
    }

    public static void main(String[] args) {
        try (ImageGenerator generator = ImageGenerator.open(Path.of(args[0]), new PipelineOptions(1))) {
            GenerationResult result = generator.generate(GenerationRequest.of("a boat", 1));
            System.out.println("DREW " + result.images().get(0).png().length + " "
                    + generator.getClass().getModule().getName());
        }
        if (args.length > 1) {
            Picture picture = PictureDecoder.DEFAULT.read(Path.of(args[1]));
            System.out.println("READ " + picture.pixelHash());
        }
    }
}
