package dev.fairway.kong.pdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

class MsgPackTest {

    private static byte[] pack(Object v) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        MsgPack.pack(p, v);
        return p.toByteArray();
    }

    @Test
    void valuesRoundTripWithKongsTypes() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "héllo");
        m.put("i", 7);
        m.put("l", 1L << 40);
        m.put("d", 0.25);
        m.put("b", true);
        m.put("bin", new byte[] {0, (byte) 0xff});
        m.put("list", Arrays.asList(1, null, "x"));
        m.put("nil", null);

        MessageUnpacker in = MessagePack.newDefaultUnpacker(pack(m));
        @SuppressWarnings("unchecked")
        Map<Object, Object> back = (Map<Object, Object>) MsgPack.unpack(in);

        assertThat(back).containsEntry("s", "héllo").containsEntry("i", 7L).containsEntry("l", 1L << 40)
                .containsEntry("d", 0.25).containsEntry("b", true).containsEntry("list", Arrays.asList(1L, null, "x"))
                .containsEntry("nil", null);
        assertThat((byte[]) back.get("bin")).containsExactly(0, 0xff);
        assertThat(back.keySet()).containsExactly("s", "i", "l", "d", "b", "bin", "list", "nil");
    }

    @Test
    void bodiesGoAsBinAndTextAsStr() throws Exception {
        assertThat(MessagePack.newDefaultUnpacker(pack(new byte[3])).getNextFormat()).isEqualTo(MessageFormat.BIN8);
        assertThat(MessagePack.newDefaultUnpacker(pack("abc")).getNextFormat()).isEqualTo(MessageFormat.FIXSTR);
        assertThat(MessagePack.newDefaultUnpacker(pack(List.of())).getNextFormat()).isEqualTo(MessageFormat.FIXARRAY);
    }

    @Test
    void strThatIsNotUtf8DecodesWithReplacement() throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packRawStringHeader(2).writePayload(new byte[] {(byte) 0xc3, 0x28});

        assertThat(MsgPack.unpack(MessagePack.newDefaultUnpacker(p.toByteArray()))).isEqualTo("\uFFFD(");
    }

    @Test
    void valuesKongCannotReadAreRefused() {
        assertThatThrownBy(() -> pack(new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("value: java.lang.Object");
    }
}
