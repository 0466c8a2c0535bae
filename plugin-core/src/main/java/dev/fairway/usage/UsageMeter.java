package dev.fairway.usage;

import dev.fairway.cost.PriceTable;
import dev.fairway.headers.CustomCost;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.AnswerReport;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One upstream attempt's meter: picks the reader the answer's content type calls for, feeds it
 * every raw chunk, and when the answer ends hands its usage and cost to {@link Readings}. Error
 * answers are not read: they carry no usage.
 */
final class UsageMeter implements UpstreamObserver {
    private final WireFormat format;
    private final String provider;
    private final String model;
    private final CustomCost customCost;
    private final PriceTable prices;
    private final UsageChunkFilter streamHiding;
    private final UpstreamRequest request;
    private final Readings readings;
    private boolean headed;
    private boolean ended;
    private boolean succeeded;
    private boolean jsonType;
    private JsonUsageScanner json;
    private SseUsageScanner sse;
    private EventStreamUsageScanner eventStream;

    /**
     * @param streamHiding what hides the usage {@code request} asked for from the client, or null
     * @param request the request to send: the planned one, or one asking for usage
     */
    UsageMeter(WireFormat format, String provider, String model, CustomCost customCost, PriceTable prices,
               UsageChunkFilter streamHiding, UpstreamRequest request, Readings readings) {
        this.request = request;
        this.readings = readings;
        this.format = format;
        this.provider = provider;
        this.model = model;
        this.customCost = customCost;
        this.prices = prices;
        this.streamHiding = streamHiding;
    }

    @Override
    public UpstreamRequest request(UpstreamRequest planned) {
        return request;
    }

    @Override
    public void onHeaders(int status, Headers headers) {
        headed = true;
        if (status < 200 || status >= 300) {
            return;
        }
        succeeded = true;
        String type = headers.get("content-type");
        type = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (type.startsWith("text/event-stream")) {
            // With a filter hiding the usage asked for, the two read one framing of the stream.
            sse = streamHiding == null ? new SseUsageScanner(eventsWithUsage(format))
                    : new SseUsageScanner(eventsWithUsage(format), streamHiding.frames());
        } else if (type.startsWith("application/vnd.amazon.eventstream")) {
            eventStream = new EventStreamUsageScanner();
        } else {
            json = new JsonUsageScanner(headers.contentLength());
            jsonType = type.startsWith("application/json") || type.contains("+json");
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
        if (!headed || ended) {
            return; // no answer (the client left first), or already recorded
        }
        ended = true;
        if (json != null) {
            json.end();
            // A cut answer is incomplete JSON by nature; only a whole one that does not parse is unreadable.
            if (clean && jsonType && json.failed()) {
                readings.unreadable();
            }
        }
        Usage usage = usage();
        readings.metered(usage, costUsd(usage), report());
    }

    /** Hides the extra usage chunk of a successful event stream only: errors and JSON pass untouched. */
    @Override
    public ResponseFilter hiding() {
        return sse != null ? streamHiding : null;
    }

    /** Tokens reported so far, or null when the answer reported none. */
    Usage usage() {
        UsageNumbers numbers = sse != null ? sse.numbers()
                : json != null ? json.numbers()
                : eventStream != null ? eventStream.numbers() : null;
        return numbers == null ? null : UsageMapping.of(format, numbers);
    }

    /** The answering model and finish reasons the answer reported; call once it has ended. */
    AnswerReport report() {
        AnswerFields found = sse != null ? sse.answer()
                : json != null ? json.answer()
                : eventStream != null ? eventStream.answer() : null;
        return found == null ? AnswerReport.NONE : found.report(format);
    }

    /** The cost of {@code usage} (or of the request, for a total custom cost), or null when unknown. */
    Double costUsd(Usage usage) {
        // A failed answer costs nothing, whatever the caller's custom price says.
        return succeeded ? prices.cost(provider, model, usage, customCost) : null;
    }

    /** Which named events may carry usage (and the answer's model and finish reasons); unnamed events (OpenAI, Google) always may. */
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
