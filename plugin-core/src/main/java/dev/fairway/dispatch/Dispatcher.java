package dev.fairway.dispatch;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.DispatchSettings;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.http.HopByHop;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6 of the request path: the upstream call and the relay of its answer to the client, chunk by
 * chunk as it arrives, with the first-byte timeout, client-disconnect cancellation and the
 * observers (usage, cache fill, logs) fed on the way. Nothing is buffered whole.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final Vertx vertx;
    private final UpstreamClient client;
    private final TicketBook tickets;
    private final Metering metering;
    private final long sweepTimer;

    public Dispatcher(Vertx vertx, DispatchSettings settings) {
        this(vertx, settings, Metering.NONE);
    }

    public Dispatcher(Vertx vertx, DispatchSettings settings, Metering metering) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.metering = requireNonNull(metering, "metering");
        this.client = new UpstreamClient(vertx, settings);
        this.tickets = new TicketBook(Duration.ofSeconds(settings.ticketTtlSeconds()));
        this.sweepTimer = vertx.setPeriodic(1000, id -> tickets.sweep(Dispatcher::abandon));
    }

    public TicketBook tickets() {
        return tickets;
    }

    /** Makes the upstream call for {@code exchange} and relays the answer into {@code response}. */
    public void relay(Exchange exchange, HttpServerResponse response) {
        new Relay(exchange, response).start();
    }

    private static void abandon(Exchange exchange) {
        exchange.complete(new Completion(499, false, false, 0, 0, -1, exchange.elapsedNanos(), 0, null, null, "abandoned"));
    }

    @Override
    public void close() {
        vertx.cancelTimer(sweepTimer);
        client.close();
    }

    /** One relay; all callbacks run on the server connection's event loop. */
    private final class Relay {
        private final Exchange exchange;
        private final HttpServerResponse response;
        private final ResponseObserver observer;
        // Usage/cost hook: sees the raw upstream answer, may rewrite what the client gets.
        private final Metering.Meter meter;
        private ResponseTransform transform = ResponseTransform.IDENTITY;
        private HttpClientRequest upstream;
        private long timer = -1;
        private boolean headersSent;
        private boolean finished;
        private long ttfb = -1;
        private long bytes;
        private int status;

        Relay(Exchange exchange, HttpServerResponse response) {
            this.exchange = exchange;
            this.response = response;
            this.observer = exchange.observer();
            this.meter = metering.open(exchange);
        }

        void start() {
            UpstreamRequest req = exchange.upstreamRequest();
            int timeoutMs = exchange.cfAig().requestTimeoutMs() != null
                    ? exchange.cfAig().requestTimeoutMs() : exchange.route().requestTimeoutMs();
            response.closeHandler(v -> clientGone());
            timer = vertx.setTimer(timeoutMs, id -> {
                timer = -1;
                if (!headersSent) {
                    if (upstream != null) {
                        upstream.reset();
                    }
                    failBeforeHead(GatewayError.of(ErrorType.UPSTREAM_TIMEOUT,
                            "the provider sent no response within %d ms", timeoutMs).with("timeout_ms", timeoutMs));
                }
            });
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(req.method()))
                    .setAbsoluteURI(req.uri().toString());
            req.headers().forEach(options::addHeader);
            client.forUri(req.uri()).request(options).onComplete(ar -> {
                if (finished) {
                    if (ar.succeeded()) {
                        ar.result().reset();
                    }
                    return;
                }
                if (ar.failed()) {
                    failBeforeHead(unreachable(ar.cause()));
                    return;
                }
                upstream = ar.result();
                upstream.send(Buffer.buffer(req.body())).onComplete(r -> {
                    if (r.failed()) {
                        if (!finished && !headersSent) {
                            failBeforeHead(unreachable(r.cause()));
                        }
                        return;
                    }
                    onHead(r.result());
                });
            });
        }

        private void onHead(HttpClientResponse up) {
            if (finished) {
                up.request().reset();
                return;
            }
            cancelTimer();
            ttfb = exchange.elapsedNanos();
            status = up.statusCode();
            Headers headers = new Headers();
            up.headers().forEach(e -> headers.add(e.getKey(), e.getValue()));
            meter.onHeaders(status, headers);
            transform = meter.transform();
            observer.onHeaders(status, headers);
            response.setStatusCode(status);
            for (int i = 0; i < headers.size(); i++) {
                if (!HopByHop.is(headers.name(i))) {
                    response.headers().add(headers.name(i), headers.value(i));
                }
            }
            exchange.responseHeaders().forEach((n, v) -> response.headers().set(n, v));
            String length = headers.get("content-length");
            if (length != null && transform == ResponseTransform.IDENTITY) {
                response.putHeader("content-length", length);
            } else {
                response.setChunked(true);
            }
            headersSent = true;
            up.handler(chunk -> {
                if (finished) {
                    return;
                }
                java.nio.ByteBuffer raw = ((BufferInternal) chunk).getByteBuf().nioBuffer();
                meter.onChunk(raw.asReadOnlyBuffer());
                if (transform != ResponseTransform.IDENTITY) {
                    chunk = transformed(transform.apply(raw));
                    if (chunk.length() == 0) {
                        return;
                    }
                    raw = ((BufferInternal) chunk).getByteBuf().nioBuffer();
                }
                bytes += chunk.length();
                observer.onChunk(raw);
                response.write(chunk);
                if (response.writeQueueFull()) {
                    up.pause();
                    response.drainHandler(v -> up.resume());
                }
            });
            up.exceptionHandler(t -> cutMidStream(t));
            up.endHandler(v -> {
                if (finished) {
                    return;
                }
                finished = true;
                meter.onEnd(true);
                Buffer tail = transformed(transform.finish());
                if (tail.length() > 0) {
                    bytes += tail.length();
                    observer.onChunk(((BufferInternal) tail).getByteBuf().nioBuffer());
                    response.write(tail);
                }
                observer.onEnd(true);
                response.end();
                complete(false, null);
            });
        }

        /** The upstream failed after the client got the first byte: nothing can be retried. */
        private void cutMidStream(Throwable cause) {
            if (finished) {
                return;
            }
            finished = true;
            LOG.debug("request {}: upstream cut mid-answer: {}", exchange.logId(), cause.toString());
            meter.onEnd(false);
            observer.onEnd(false);
            String contentType = response.headers().get("content-type");
            if (contentType != null && contentType.startsWith("text/event-stream")) {
                // An SSE client needs an explicit error event: a clean end would pass for a full answer.
                GatewayError e = GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider's stream ended before the answer was complete");
                response.end(Buffer.buffer("event: error\ndata: ").appendBytes(e.toJson()).appendString("\n\n"));
            } else {
                response.reset();
            }
            complete(true, ErrorType.UPSTREAM_UNAVAILABLE.wireName());
        }

        private void clientGone() {
            if (finished) {
                return;
            }
            finished = true;
            cancelTimer();
            if (upstream != null) {
                upstream.reset();
            }
            meter.onEnd(false);
            observer.onEnd(false);
            status = headersSent ? status : 499;
            complete(headersSent, "client_closed");
        }

        private void failBeforeHead(GatewayError error) {
            if (finished || headersSent) {
                return;
            }
            finished = true;
            cancelTimer();
            status = error.status();
            byte[] body = error.toJson();
            response.setStatusCode(status).putHeader("content-type", "application/json");
            exchange.responseHeaders().forEach((n, v) -> response.headers().set(n, v));
            response.end(Buffer.buffer(body));
            bytes = body.length;
            complete(false, error.type().wireName());
        }

        private void complete(boolean truncated, String errorType) {
            cancelTimer();
            Usage usage = meter.usage();
            exchange.complete(new Completion(status, false, truncated, 0, 1, ttfb, exchange.elapsedNanos(), bytes,
                    usage, meter.costUsd(usage), errorType));
        }

        private static Buffer transformed(java.nio.ByteBuffer out) {
            byte[] copy = new byte[out.remaining()];
            out.get(copy);
            return Buffer.buffer(copy);
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }

    private static GatewayError unreachable(Throwable cause) {
        String kind = cause.getClass().getSimpleName();
        return GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider could not be reached (%s)", kind)
                .with("cause", kind);
    }
}
