package dev.fairway.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Whether bytes are all ASCII, eight at a time: a payload that is can be written as it lies. */
final class AsciiBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private AsciiBytes() {}

    static boolean all(byte[] b) {
        int i = 0;
        long any = 0;
        for (; i + Long.BYTES <= b.length; i += Long.BYTES) {
            any |= (long) LONGS.get(b, i);
        }
        for (; i < b.length; i++) {
            any |= b[i];
        }
        return (any & HIGH_BITS) == 0;
    }
}
