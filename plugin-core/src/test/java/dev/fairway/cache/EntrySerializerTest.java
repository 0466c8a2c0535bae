package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ehcache.spi.serialization.SerializerException;
import org.junit.jupiter.api.Test;

class EntrySerializerTest {
    private final EntrySerializer serializer = new EntrySerializer();
    private final CachedResponse entry = new CachedResponse(200, List.of("content-type", "text/event-stream", "content-language", "é"),
            "data: x\n\n".getBytes(StandardCharsets.UTF_8), 1_700_000_000_123L, 3600);

    @Test
    void roundTripsEveryField() throws Exception {
        ByteBuffer bytes = serializer.serialize(entry);
        CachedResponse back = serializer.read(bytes);

        assertThat(back.status()).isEqualTo(200);
        assertThat(back.headerNamesAndValues()).isEqualTo(entry.headerNamesAndValues());
        assertThat(back.body()).isEqualTo(entry.body());
        assertThat(back.storedAtMillis()).isEqualTo(entry.storedAtMillis());
        assertThat(back.ttlSeconds()).isEqualTo(3600);
        assertThat(serializer.equals(entry, serializer.serialize(entry))).isTrue();
        assertThat(bytes.remaining()).isEqualTo(1 + 2 + 8 + 4 + 1 + (2 + 12) + (2 + 17) + (2 + 16) + (2 + 2) + 4 + 9);
    }

    @Test
    void refusesAnotherFormatOrDamagedBytes() throws Exception {
        ByteBuffer bytes = serializer.serialize(entry);
        ByteBuffer otherVersion = ByteBuffer.allocate(bytes.remaining()).put(bytes.duplicate()).flip();
        otherVersion.put(0, (byte) 9);
        assertThatThrownBy(() -> serializer.read(otherVersion)).isInstanceOf(SerializerException.class).hasMessageContaining("format 9");
        ByteBuffer cut = bytes.duplicate().limit(bytes.remaining() - 3);
        assertThatThrownBy(() -> serializer.read(cut)).isInstanceOf(SerializerException.class).hasMessageContaining("damaged");
    }

    @Test
    void keepsOnlyHeadersThatDescribeTheBody() {
        var upstream = dev.fairway.http.Headers.of("Content-Type", "application/json", "Set-Cookie", "a=b",
                "authorization", "Bearer sk", "x-request-id", "r1", "openai-organization", "org");
        assertThat(CachedResponse.keptHeaders(upstream)).containsExactly("content-type", "application/json");
    }
}
