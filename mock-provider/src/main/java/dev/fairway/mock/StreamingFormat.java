package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A provider API that can also stream its answer. */
interface StreamingFormat extends WireFormat {

    /** Whether this request asked for a stream; most APIs say so with {@code "stream": true}. */
    default boolean streaming(JsonNode body, String query) {
        return body.path("stream").asBoolean(false);
    }

    /** Every frame of a clean streamed answer, in order, content frames flagged. */
    List<Frame> stream(Exchange exchange);

    /**
     * The provider's in-stream error event, sent instead of the clean end.
     *
     * @param contentFramesSent how many content frames went out before it
     */
    Frame errorFrame(Exchange exchange, int contentFramesSent);

    default String contentType(Exchange exchange) {
        return "text/event-stream";
    }
}
