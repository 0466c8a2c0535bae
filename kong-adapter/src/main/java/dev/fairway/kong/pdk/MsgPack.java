package dev.fairway.kong.pdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * Plain Java values to and from MessagePack, the way Kong's Lua side reads and writes them: maps
 * keep their order, byte arrays travel as {@code bin} (request bodies), integers as the smallest int
 * type, everything else as {@code str}.
 */
final class MsgPack {
    private MsgPack() {}

    static void pack(MessagePacker out, Object value) throws IOException {
        switch (value) {
            case null -> out.packNil();
            case String s -> out.packString(s);
            case Boolean b -> out.packBoolean(b);
            case Integer i -> out.packInt(i);
            case Long l -> out.packLong(l);
            case Short s -> out.packShort(s);
            case Byte b -> out.packByte(b);
            case Double d -> out.packDouble(d);
            case Float f -> out.packFloat(f);
            case byte[] bytes -> {
                out.packBinaryHeader(bytes.length);
                out.writePayload(bytes);
            }
            case Map<?, ?> map -> {
                out.packMapHeader(map.size());
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    pack(out, e.getKey());
                    pack(out, e.getValue());
                }
            }
            case Collection<?> list -> {
                out.packArrayHeader(list.size());
                for (Object o : list) {
                    pack(out, o);
                }
            }
            case Object[] array -> pack(out, List.of(array));
            case CharSequence cs -> out.packString(cs.toString());
            default -> throw new IllegalArgumentException("value: " + value.getClass().getName()
                    + " (expected: null, String, Boolean, a number, byte[], Map or List)");
        }
    }

    /** The next value: null, Boolean, Long, Double, String, byte[], List or Map. */
    static Object unpack(MessageUnpacker in) throws IOException {
        return switch (in.getNextFormat().getValueType()) {
            case NIL -> {
                in.unpackNil();
                yield null;
            }
            case BOOLEAN -> in.unpackBoolean();
            case INTEGER -> in.unpackLong();
            case FLOAT -> in.unpackDouble();
            // Lua strings are bytes; a str that is not UTF-8 is decoded with replacement rather than failing the call.
            case STRING -> new String(in.readPayload(in.unpackRawStringHeader()), StandardCharsets.UTF_8);
            case BINARY -> in.readPayload(in.unpackBinaryHeader());
            case ARRAY -> {
                int n = in.unpackArrayHeader();
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(unpack(in));
                }
                yield list;
            }
            case MAP -> {
                int n = in.unpackMapHeader();
                Map<Object, Object> map = new LinkedHashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    Object key = unpack(in);
                    map.put(key, unpack(in));
                }
                yield map;
            }
            case EXTENSION -> throw new IOException("msgpack extension types are not part of Kong's protocol");
        };
    }
}
