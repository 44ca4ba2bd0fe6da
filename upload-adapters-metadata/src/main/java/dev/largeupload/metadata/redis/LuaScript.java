package dev.largeupload.metadata.redis;

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

    private final byte[] source;
    private final byte[] sha1;

    LuaScript(String source) {
        this.source = source.getBytes(StandardCharsets.UTF_8);
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source));
            this.sha1 = hex.getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }

    Object run(Jedis jedis, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(sha1, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }
}
