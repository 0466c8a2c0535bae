package dev.fairway.usage;

import dev.fairway.cost.PriceTable;
import dev.fairway.dispatch.Metering;
import dev.fairway.dispatch.ResponseTransform;
import dev.fairway.headers.CustomCost;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One exchange's meter: picks the reader the answer's content type calls for and feeds it every
 * upstream chunk. Error answers are not read: they carry no usage.
 */
final class UsageMeter implements Metering.Meter {
    private final WireFormat format;
    private final String provider;
    private final String model;
    private final CustomCost customCost;
    private final PriceTable prices;
    private final ResponseTransform streamTransform;
    private final UpstreamRequest request;
    private boolean succeeded;
    private JsonUsageScanner json;
    private SseUsageScanner sse;
    private EventStreamUsageScanner eventStream;

    UsageMeter(WireFormat format, String provider, String model, CustomCost customCost, PriceTable prices,
               ResponseTransform streamTransform, UpstreamRequest request) {
        this.request = request;
        this.format = format;
        this.provider = provider;
        this.model = model;
        this.customCost = customCost;
        this.prices = prices;
        this.streamTransform = streamTransform;
    }

    @Override
    public UpstreamRequest request(UpstreamRequest planned) {
        return request;
    }

    @Override
    public void onHeaders(int status, Headers headers) {
        if (status < 200 || status >= 300) {
            return;
        }
        succeeded = true;
        String type = headers.get("content-type");
        type = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            sse = new SseUsageScanner(eventsWithUsage(format));
        } else if (type.startsWith("application/vnd.amazon.eventstream")) {
            eventStream = new EventStreamUsageScanner();
        } else {
            json = new JsonUsageScanner();
        }
    }

    @Override
    public void onChunk(ByteBuffer chunk) {
        if (sse != null) {
            sse.feed(chunk);
        } else if (json != null) {
            json.feed(chunk);
        } else if (eventStream != null) {
            eventStream.feed(chunk);
        }
    }

    @Override
    public void onEnd(boolean clean) {
        if (json != null) {
            json.end();
        }
    }

    /** The stream's transform, for a successful event stream only: errors and JSON pass untouched. */
    @Override
    public ResponseTransform transform() {
        return sse != null ? streamTransform : ResponseTransform.IDENTITY;
    }

    @Override
    public Usage usage() {
        UsageNumbers numbers = sse != null ? sse.numbers()
                : json != null ? json.numbers()
                : eventStream != null ? eventStream.numbers() : null;
        return numbers == null ? null : UsageMapping.of(format, numbers);
    }

    @Override
    public Double costUsd(Usage usage) {
        // A failed answer costs nothing, whatever the caller's custom price says.
        return succeeded ? prices.cost(provider, model, usage, customCost) : null;
    }

    /** Which named events may carry usage; unnamed events (OpenAI, Google) always may. */
    static Predicate<String> eventsWithUsage(WireFormat format) {
        return switch (format) {
            case ANTHROPIC, BEDROCK -> name -> name == null || name.equals("message_start") || name.equals("message_delta");
            case OPENAI -> name -> name == null || name.equals("response.completed") || name.equals("response.incomplete")
                    || name.equals("response.failed");
            case COHERE -> name -> name == null || name.equals("message-end");
            default -> name -> true;
        };
    }
}
