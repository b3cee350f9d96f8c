package dev.imagine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Property-based checks without a framework: a property is run on {@code tries} generated inputs, each made from its
 * own seed, and a failure names that seed and the input so it can be replayed. The seeds are fixed (derived from the
 * property's name), so a run is repeatable in CI; {@code -Dimagine.property.seed=N} explores other inputs, and
 * {@code -Dimagine.property.tries=N} runs more of them.
 *
 * <p>Generators are plain functions of a {@link Generated} source: {@code forAll("name", 1000, g -> g.string(8,
 * "abc"), text -> ...)}.
 */
public final class Generated {
    private final SplittableRandom random;

    private Generated(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * Runs {@code property} on {@code tries} inputs from {@code generator}.
     *
     * @throws AssertionError the first failure, with the seed and the input that caused it
     */
    public static <T> void forAll(String name, int tries, Function<Generated, T> generator, Consumer<T> property) {
        long base = Long.getLong("imagine.property.seed", name.hashCode());
        int count = Integer.getInteger("imagine.property.tries", tries);
        for (int i = 0; i < count; i++) {
            long seed = base * 1_000_003L + i;
            T input = generator.apply(new Generated(seed));
            try {
                property.accept(input);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("property '" + name + "' failed on try " + (i + 1) + " of " + count
                        + " (seed " + seed + ") for input: " + describe(input) + "\n" + e.getMessage(), e);
            }
        }
    }

    private static String describe(Object input) {
        String text = String.valueOf(input);
        StringBuilder out = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    public int intBetween(int min, int max) {
        return max == Integer.MAX_VALUE ? (int) random.nextLong(min, (long) max + 1) : random.nextInt(min, max + 1);
    }

    /** A long from {@code min} to {@code max}, both included; the ends come up more often than chance. */
    public long longBetween(long min, long max) {
        int edge = random.nextInt(10);
        if (edge == 0) {
            return min;
        }
        if (edge == 1) {
            return max;
        }
        return max == Long.MAX_VALUE ? random.nextLong(min, max) : random.nextLong(min, max + 1);
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** One of {@code choices}. */
    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** A generator and how often it is picked, relative to the others: {@code choice(5, () -> ...)}. */
    public record Choice<T>(int weight, Supplier<? extends T> generator) {
    }

    public static <T> Choice<T> choice(int weight, Supplier<? extends T> generator) {
        return new Choice<>(weight, generator);
    }

    /** A value from one of the generators, picked by weight. */
    @SafeVarargs
    public final <T> T weighted(Choice<T>... choices) {
        int total = 0;
        for (Choice<T> choice : choices) {
            total += choice.weight();
        }
        int pick = random.nextInt(total);
        for (Choice<T> choice : choices) {
            pick -= choice.weight();
            if (pick < 0) {
                return choice.generator().get();
            }
        }
        throw new IllegalStateException("weights must be positive");
    }

    /** A string of at most {@code maxLength} characters, each one of {@code alphabet}. */
    public String string(int maxLength, String alphabet) {
        return string(0, maxLength, alphabet);
    }

    /** A string of {@code minLength} to {@code maxLength} characters, each one of {@code alphabet}. */
    public String string(int minLength, int maxLength, String alphabet) {
        int length = intBetween(minLength, maxLength);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Printable ASCII of at most {@code maxLength} characters, none of {@code excluded}. */
    public String printable(int maxLength, String excluded) {
        StringBuilder alphabet = new StringBuilder();
        for (char c = ' '; c <= '~'; c++) {
            if (excluded.indexOf(c) < 0) {
                alphabet.append(c);
            }
        }
        return string(maxLength, alphabet.toString());
    }

    /**
     * Any text of at most {@code maxLength} UTF-16 units: ASCII, control characters, Latin-1, other scripts,
     * emoji (surrogate pairs), lone surrogates and noncharacters, so parsers see what hostile input holds.
     */
    public String anyString(int maxLength) {
        int length = intBetween(0, maxLength);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            int kind = random.nextInt(10);
            int c = switch (kind) {
                case 0, 1, 2, 3 -> random.nextInt(0x20, 0x7f);
                case 4 -> random.nextInt(0, 0x20);
                case 5 -> random.nextInt(0x80, 0x100);
                case 6 -> random.nextInt(0x100, 0xd800);
                case 7 -> random.nextInt(0x1f300, 0x1fa00);
                case 8 -> random.nextInt(0xd800, 0xe000);
                default -> oneOf(0xfffe, 0xffff, 0xfeff, 0x200b, 0x202e, 0x7f);
            };
            text.appendCodePoint(c);
        }
        return text.toString();
    }

    /** At most {@code maxLength} random bytes. */
    public byte[] bytes(int maxLength) {
        byte[] bytes = new byte[intBetween(0, maxLength)];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * {@code original} damaged as files are in transit or by hand: a few bytes flipped or set to boundary values
     * (0, 0x7f, 0x80, 0xff), 32-bit lengths set to huge or negative values, bytes inserted or removed, a run copied
     * elsewhere, the end cut off. The original is left as it is.
     */
    public byte[] mutated(byte[] original) {
        byte[] bytes = original.clone();
        int edits = intBetween(1, 4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(7)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = (byte) (int) oneOf(0, 0x7f, 0x80, 0xff, 1, 0xfe);
                case 2 -> {
                    int word = oneOf(0x7fffffff, 0xffffffff, 0x80000000, 0, 0x00ffffff, 0x10000);
                    for (int i = 0; i < 4 && at + i < bytes.length; i++) {
                        bytes[at + i] = (byte) (word >>> (24 - 8 * i));
                    }
                }
                case 3 -> {
                    byte[] inserted = bytes(16);
                    byte[] longer = new byte[bytes.length + inserted.length];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    System.arraycopy(inserted, 0, longer, at, inserted.length);
                    System.arraycopy(bytes, at, longer, at + inserted.length, bytes.length - at);
                    bytes = longer;
                }
                case 4 -> {
                    int length = Math.min(intBetween(1, 64), bytes.length - at);
                    byte[] shorter = new byte[bytes.length - length];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + length, shorter, at, bytes.length - at - length);
                    bytes = shorter;
                }
                case 5 -> {
                    int from = random.nextInt(bytes.length);
                    int length = Math.min(intBetween(1, 64), Math.min(bytes.length - from, bytes.length - at));
                    System.arraycopy(bytes, from, bytes, at, length);
                }
                default -> bytes = java.util.Arrays.copyOf(bytes, at);
            }
        }
        return bytes;
    }

    /** A list of at most {@code maxSize} elements from {@code element}. */
    public <T> List<T> list(int maxSize, Supplier<T> element) {
        return list(0, maxSize, element);
    }

    /** A list of {@code minSize} to {@code maxSize} elements from {@code element}. */
    public <T> List<T> list(int minSize, int maxSize, Supplier<T> element) {
        int size = intBetween(minSize, maxSize);
        List<T> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            items.add(element.get());
        }
        return items;
    }
}
