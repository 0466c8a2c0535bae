package dev.fairway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.http.Headers;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamFanOutTest {
    private static final UpstreamRequest PLANNED = new UpstreamRequest("POST", URI.create("http://p/v1"), new Headers(), new byte[0]);

    @Test
    void noneOrOneObserverIsUsedAsItIs() {
        UpstreamObserver one = new UpstreamObserver() {};
        assertThat(UpstreamFanOut.of(List.of())).isSameAs(UpstreamObserver.NONE);
        assertThat(UpstreamFanOut.of(List.of(one))).isSameAs(one);
        assertThat(UpstreamObserver.NONE.request(PLANNED)).isSameAs(PLANNED);
        assertThat(UpstreamObserver.NONE.hiding()).isNull();
    }

    @Test
    void requestsAreAdjustedInOrderAndTheFirstHidingFilterApplies() {
        List<String> seen = new ArrayList<>();
        ResponseFilter hide = new ResponseFilter() {
            @Override
            public ByteBuffer apply(ByteBuffer chunk) {
                return chunk;
            }

            @Override
            public ByteBuffer finish() {
                return ByteBuffer.allocate(0);
            }
        };
        UpstreamObserver first = new Named("a", seen) {
            @Override
            public UpstreamRequest request(UpstreamRequest planned) {
                return new UpstreamRequest(planned.method(), planned.uri(), Headers.copyOf(planned.headers()).set("x-a", "1"), planned.body());
            }
        };
        UpstreamObserver second = new Named("b", seen) {
            @Override
            public UpstreamRequest request(UpstreamRequest planned) {
                return new UpstreamRequest(planned.method(), planned.uri(), Headers.copyOf(planned.headers()).set("x-b", planned.headers().get("x-a")), planned.body());
            }

            @Override
            public ResponseFilter hiding() {
                return hide;
            }
        };
        UpstreamObserver both = UpstreamFanOut.of(List.of(first, second));
        assertThat(both.request(PLANNED).headers().get("x-b")).isEqualTo("1");
        assertThat(both.hiding()).isSameAs(hide);
        both.onHeaders(200, new Headers());
        both.onChunk(ByteBuffer.wrap(new byte[] {1, 2}));
        both.onEnd(true);
        assertThat(seen).containsExactly("a:200", "b:200", "a:2", "b:2", "a:true", "b:true");
    }

    private static class Named implements UpstreamObserver {
        private final String name;
        private final List<String> seen;

        Named(String name, List<String> seen) {
            this.name = name;
            this.seen = seen;
        }

        @Override
        public void onHeaders(int status, Headers headers) {
            seen.add(name + ":" + status);
        }

        @Override
        public void onChunk(ByteBuffer chunk) {
            seen.add(name + ":" + chunk.remaining());
        }

        @Override
        public void onEnd(boolean clean) {
            seen.add(name + ":" + clean);
        }
    }
}
