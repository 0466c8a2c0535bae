package dev.fairway.dispatch;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.translate.StreamTranslator;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Function;

/** Response transforms the dispatcher builds itself: translation of provider answers for OpenAI clients. */
final class Transforms {
    /** A translated whole answer is held until it is complete; a larger one is refused rather than buffered. */
    static final int MAX_BUFFERED = 32 * 1024 * 1024;

    private Transforms() {}

    /** {@code first}, then {@code filter} over what it lets through: a filter sees what the client would get. */
    static ResponseTransform filtered(ResponseTransform first, ResponseFilter filter) {
        return new ResponseTransform() {
            @Override
            public ByteBuffer apply(ByteBuffer chunk) {
                return filter.apply(first.apply(chunk));
            }

            @Override
            public ByteBuffer finish() {
                ByteBuffer tail = filter.apply(first.finish());
                ByteBuffer rest = filter.finish();
                if (!tail.hasRemaining()) {
                    return rest;
                }
                ByteBuffer both = ByteBuffer.allocate(tail.remaining() + rest.remaining());
                return both.put(tail).put(rest).flip();
            }
        };
    }

    /** The raw answer through an upstream observer's hiding filter ({@link dev.fairway.pipeline.UpstreamObserver#hiding}), or as it is. */
    static ResponseTransform hiding(ResponseFilter filter) {
        return filter == null ? ResponseTransform.IDENTITY : filtered(ResponseTransform.IDENTITY, filter);
    }

    /** A streamed answer, translated event by event as it arrives. */
    static ResponseTransform stream(StreamTranslator translator) {
        return new ResponseTransform() {
            @Override
            public ByteBuffer apply(ByteBuffer chunk) {
                return ByteBuffer.wrap(translator.feed(chunk));
            }

            @Override
            public ByteBuffer finish() {
                return ByteBuffer.wrap(translator.finish());
            }
        };
    }

    /** A whole (non-streamed) answer: JSON can only be translated once it is complete. */
    static ResponseTransform whole(Function<byte[], byte[]> translate) {
        return new ResponseTransform() {
            private final ByteArrayOutputStream held = new ByteArrayOutputStream();

            @Override
            public ByteBuffer apply(ByteBuffer chunk) {
                if (held.size() + chunk.remaining() > MAX_BUFFERED) {
                    throw GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider's answer is over %d bytes", MAX_BUFFERED);
                }
                byte[] b = new byte[chunk.remaining()];
                chunk.duplicate().get(b);
                held.writeBytes(b);
                return ByteBuffer.allocate(0);
            }

            @Override
            public ByteBuffer finish() {
                return ByteBuffer.wrap(translate.apply(held.toByteArray()));
            }
        };
    }
}
