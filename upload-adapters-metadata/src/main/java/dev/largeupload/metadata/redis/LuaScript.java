package dev.largeupload.metadata.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run atomically by Redis. It is sent by its SHA-1 ({@code EVALSHA}) and only sent
 * whole ({@code EVAL}) when the server does not know it yet, e.g. after a restart or a failover.
 */
final class LuaScript {

    private final String name;
    private final byte[] source;
    private final byte[] sha1;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
            this.sha1 = hex.getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    /**
     * The script made of the resource files {@code files} next to this class, joined in order: libraries of
     * functions first, the script itself last.
     */
    static LuaScript load(String... files) {
        StringBuilder source = new StringBuilder();
        for (String file : files) {
            try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("Lua script " + file + " is missing from the jar");
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Lua script " + file, e);
            }
        }
        return new LuaScript(files[files.length - 1], source.toString());
    }

    Object run(Jedis jedis, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + "]";
    }
}
