package dev.largeupload.metadata.redis;

import java.util.BitSet;

/** The set of received blocks as Redis keeps it ({@code SETBIT}/{@code BITCOUNT}/{@code GETBIT}): bit {@code i} for block {@code i}. */
final class RedisBitmap {

    private RedisBitmap() {
    }

    /** Bit {@code i} of a Redis bitmap is bit {@code 7 - i % 8} of byte {@code i / 8}: big-endian within each byte. */
    static BitSet fromRedisBitmap(byte[] bitmap) {
        BitSet bits = new BitSet(bitmap.length * 8);
        for (int i = 0; i < bitmap.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                if ((bitmap[i] & (0x80 >>> bit)) != 0) {
                    bits.set(i * 8 + bit);
                }
            }
        }
        return bits;
    }

    /** The inverse of {@link #fromRedisBitmap}; an empty set is zero bytes. */
    static byte[] toRedisBitmap(BitSet bits) {
        byte[] bitmap = new byte[(bits.length() + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            bitmap[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return bitmap;
    }
}
