package dev.fairway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class SharedEntryCodecTest {
    private static CachedResponse entry(int bodyBytes) {
        return new CachedResponse(200, List.of("content-type", "application/json"),
                "a".repeat(bodyBytes).getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, 300);
    }

    @Test
    void smallEntriesTravelAsIsAndLargeOnesDeflatedBothReadBackWhole() {
        byte[] small = SharedEntryCodec.encode(entry(100), 4096);
        byte[] large = SharedEntryCodec.encode(entry(100_000), 4096);

        assertThat(small[0]).isEqualTo(SharedEntryCodec.RAW);
        assertThat(large[0]).isEqualTo(SharedEntryCodec.DEFLATED);
        assertThat(large.length).isLessThan(2_000);
        for (byte[] v : List.of(small, large)) {
            CachedResponse r = SharedEntryCodec.decode(v, 1 << 20);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headerNamesAndValues()).containsExactly("content-type", "application/json");
            assertThat(r.storedAtMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(r.ttlSeconds()).isEqualTo(300);
        }
        assertThat(SharedEntryCodec.decode(large, 1 << 20).body()).hasSize(100_000);
        assertThat(SharedEntryCodec.encode(entry(100_000), 0)[0]).as("0 compresses none").isEqualTo(SharedEntryCodec.RAW);
    }

    @Test
    void anEntryOverTheRoutesSizeLimitIsAMiss() {
        assertThat(SharedEntryCodec.decode(SharedEntryCodec.encode(entry(2_000), 4096), 1_999)).isNull();
        assertThat(SharedEntryCodec.decode(SharedEntryCodec.encode(entry(2_000), 4096), 2_000)).isNotNull();
    }

    @Test
    void aValueThatInflatesWithoutBoundIsRefusedBeforeItIsAllInMemory() {
        byte[] zeros = new byte[64 * 1024 * 1024];
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(zeros);
        d.finish();
        byte[] packed = new byte[1 << 20];
        int n = d.deflate(packed);
        d.end();
        byte[] bomb = new byte[n + 1];
        bomb[0] = SharedEntryCodec.DEFLATED;
        System.arraycopy(packed, 0, bomb, 1, n);

        assertThat(SharedEntryCodec.decode(bomb, 1024)).isNull();
    }

    @Test
    void damagedOrForeignValuesAreMisses() {
        byte[] v = SharedEntryCodec.encode(entry(10), 4096);
        v[0] = 7;
        assertThat(SharedEntryCodec.decode(v, 1 << 20)).isNull();
        assertThat(SharedEntryCodec.decode(new byte[] {0}, 1 << 20)).isNull();
        byte[] truncated = java.util.Arrays.copyOf(SharedEntryCodec.encode(entry(10), 4096), 12);
        assertThat(SharedEntryCodec.decode(truncated, 1 << 20)).isNull();
    }
}
