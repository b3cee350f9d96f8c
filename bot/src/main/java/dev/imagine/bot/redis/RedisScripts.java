package dev.imagine.bot.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lua scripts of the queue and the job store, run by SHA1 (EVALSHA) so that only the digest travels with each
 * call. Redis forgets its scripts on a restart (the AOF does not keep them), a failover or SCRIPT FLUSH: a NOSCRIPT
 * answer loads the script and runs it again, once; that retry is safe because NOSCRIPT means nothing ran. Lettuce
 * has no such fallback of its own.
 *
 * <p>Each script is {@code lua/prelude.lua} followed by {@code lua/<name>.lua}; a script whose first line is a
 * {@code #!lua} shebang (flags such as {@code no-writes}) keeps that line first, as Redis requires.
 */
final class RedisScripts {
    private final RedisCommands<String, byte[]> redis;
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();

    RedisScripts(RedisCommands<String, byte[]> redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** Runs a script by name; ARGV are strings, numbers or byte arrays. */
    @SuppressWarnings("unchecked")
    <T> T run(String name, ScriptOutputType type, String[] keys, Object... argv) {
        Script script = scripts.computeIfAbsent(name, RedisScripts::read);
        byte[][] values = new byte[argv.length][];
        for (int i = 0; i < argv.length; i++) {
            values[i] = argv[i] instanceof byte[] b ? b : String.valueOf(argv[i]).getBytes(StandardCharsets.UTF_8);
        }
        try {
            return (T) redis.evalsha(script.sha1(), type, keys, values);
        } catch (RedisNoScriptException e) {
            String loaded = redis.scriptLoad(script.source());
            if (!loaded.equals(script.sha1())) {
                throw new IllegalStateException("Redis hashed script " + name + " as " + loaded + ", expected "
                        + script.sha1());
            }
            return (T) redis.evalsha(script.sha1(), type, keys, values);
        }
    }

    private static Script read(String name) {
        String prelude = resource("prelude");
        String body = resource(name);
        String source;
        if (body.startsWith("#!")) {
            int eol = body.indexOf('\n');
            source = body.substring(0, eol + 1) + prelude + body.substring(eol + 1);
        } else {
            source = prelude + body;
        }
        return new Script(source, sha1(source));
    }

    private static String resource(String name) {
        try (InputStream in = RedisScripts.class.getResourceAsStream("lua/" + name + ".lua")) {
            if (in == null) {
                throw new IllegalArgumentException("no script lua/" + name + ".lua next to " + RedisScripts.class);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String source) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Script(String source, String sha1) {
    }
}
