package dev.imagine.bot.job;

import java.security.SecureRandom;
import java.util.function.Supplier;

/**
 * Short random job ids: 10 characters of lower-case base32 (50 bits). Short enough for Telegram's 64-byte
 * callback data and Discord's 100-character custom ids with a verb in front, unguessable enough that a stranger
 * cannot enumerate other people's jobs.
 */
public final class JobIds implements Supplier<String> {
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    public static final int LENGTH = 10;

    private final SecureRandom random = new SecureRandom();

    @Override
    public String get() {
        char[] id = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }

    /** True for strings that could be a job id; anything else from a button is rejected before a lookup. */
    public static boolean looksValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (char c : id.toCharArray()) {
            if (new String(ALPHABET).indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
