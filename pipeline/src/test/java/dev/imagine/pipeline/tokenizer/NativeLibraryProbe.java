package dev.imagine.pipeline.tokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/** Run in a fresh JVM by {@link DjlNativeLibraryTest}: loads the tokenizer and prints what it saw. */
public final class NativeLibraryProbe {

    private NativeLibraryProbe() {}

    public static void main(String[] args) {
        try (ClipTokenizer tokenizer = ClipTokenizer.load(Path.of(args[0]))) {
            int[] ids = tokenizer.encode("a photograph of an astronaut riding a horse").ids();
            System.out.println("ids=" + Arrays.toString(Arrays.copyOf(ids, 10)));
            System.out.println("RUST_FLAVOR=" + System.getProperty("RUST_FLAVOR"));
            System.out.println("OPT_OUT_TRACKING=" + System.getProperty("OPT_OUT_TRACKING"));
        }
    }
}
