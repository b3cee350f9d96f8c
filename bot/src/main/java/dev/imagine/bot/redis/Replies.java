package dev.imagine.bot.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reading script replies: bulk strings arrive as byte arrays, integers as Long, arrays as lists. */
final class Replies {
    private Replies() {
    }

    static String str(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return o.toString();
    }

    static long lng(Object o) {
        return o instanceof Long l ? l : Long.parseLong(str(o));
    }

    static double dbl(Object o) {
        return Double.parseDouble(str(o));
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }
}
