package dev.fairway.realtime;

import dev.fairway.cost.PriceTable;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.usage.RealtimeUsage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A session's usage: each {@code response.done} the provider sends is read ({@link RealtimeUsage}),
 * costed, added to the session's total on the exchange ({@link Exchange#metered()}) and charged at
 * once to every step that charges sessions (quotas, through {@link Step#charge}); a step's refusal
 * ends the session. Other events are only searched for the event type, never parsed. A message
 * split over frames is assembled only when its first frame may be a {@code response.done}, up to
 * {@link #MAX_EVENT_BYTES}.
 */
final class SessionMeter {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SessionMeter.class);
    /** A {@code response.done} larger than this is not read (its usage stays uncounted; the session goes on). */
    static final int MAX_EVENT_BYTES = 4 * 1024 * 1024;

    private final Exchange exchange;
    private final PriceTable prices;
    private final Consumer<GatewayError> exhausted;
    private Buffer pending;
    private boolean skipping;
    private long input;
    private long output;
    private long cached;
    private boolean reported;
    private double cost;
    private boolean costKnown;
    private long responses;

    SessionMeter(Exchange exchange, PriceTable prices, Consumer<GatewayError> exhausted) {
        this.exchange = exchange;
        this.prices = prices;
        this.exhausted = exhausted;
    }

    /** One frame the provider sent, before it is relayed. */
    void onUpstreamFrame(WebSocketFrame frame) {
        if (frame.isBinary() || (frame.isContinuation() && pending == null)) {
            skipping = skipping && !frame.isFinal();
            return;
        }
        if (frame.isText() && frame.isFinal()) {
            skipping = false;
            read(frame.binaryData());
            return;
        }
        if (frame.isText()) {
            Buffer first = frame.binaryData();
            // Only the first fragment is searched: the type field leads OpenAI's events.
            if (RealtimeUsage.mayReport(first.getBytes(), first.length())) {
                pending = Buffer.buffer().appendBuffer(first);
            }
            return;
        }
        // A continuation of a message being assembled.
        if (pending.length() + frame.binaryData().length() > MAX_EVENT_BYTES) {
            pending = null;
            return;
        }
        pending.appendBuffer(frame.binaryData());
        if (frame.isFinal()) {
            Buffer whole = pending;
            pending = null;
            read(whole);
        }
    }

    private void read(Buffer event) {
        byte[] bytes = event.getBytes();
        if (!RealtimeUsage.mayReport(bytes, bytes.length)) {
            return;
        }
        Usage usage = RealtimeUsage.read(bytes);
        if (usage == null) {
            return;
        }
        responses++;
        Double price = prices.cost(exchange.target().provider().slug(), exchange.model(), usage, exchange.cfAig().customCost());
        add(usage, price);
        charge(usage, price);
    }

    private void add(Usage usage, Double price) {
        input += usage.inputTokens();
        output += usage.outputTokens();
        cached += usage.cachedInputTokens();
        reported = true;
        if (price != null) {
            cost += price;
            costKnown = true;
        }
        exchange.metered().record(total(), costKnown ? cost : null);
    }

    private void charge(Usage usage, Double price) {
        for (Step step : exchange.steps()) {
            CompletableFuture<GatewayError> verdict;
            try {
                verdict = step.charge(usage, price);
            } catch (RuntimeException e) {
                verdict = CompletableFuture.failedFuture(e);
            }
            verdict.whenComplete((error, t) -> {
                if (t != null) {
                    // The charge is lost, the session is not: a store failure must not cut a conversation.
                    LOG.warn("session {}: a step failed to charge the session's usage", exchange.logId(), t);
                } else if (error != null) {
                    exhausted.accept(error);
                }
            });
        }
    }

    /** The session's tokens so far, or null before any response reported usage. */
    Usage total() {
        return reported ? new Usage(input, output, cached) : null;
    }

    /** Responses whose usage was read. */
    long responses() {
        return responses;
    }
}
