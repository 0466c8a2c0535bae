package dev.fairway.log;

import dev.fairway.config.LoggingSettings;
import dev.fairway.config.Secret;
import dev.fairway.headers.HeaderNote;
import dev.fairway.log.spool.SpoolWriter;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.Step;
import dev.fairway.plan.PlannedTarget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One request's log step: keeps the first bytes of the answer when payloads are on, then hands
 * the request's facts to the writer once the exchange completes. Nothing here formats, redacts or
 * touches the disk.
 */
final class LogStep implements Step {
    private final Exchange exchange;
    private final LoggingSettings settings;
    private final SpoolWriter writer;
    private final Capture capture;
    private CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);

    LogStep(Exchange exchange, LoggingSettings settings, SpoolWriter writer, boolean payloads) {
        this.exchange = exchange;
        this.settings = settings;
        this.writer = writer;
        this.capture = payloads ? new Capture(settings.maxPayloadBytes()) : null;
    }

    @Override
    public ResponseObserver observer() {
        return capture;
    }

    @Override
    public void afterCompletion(Completion c) {
        byte[] request = null;
        byte[] response = null;
        boolean cut = false;
        Set<String> removed = new HashSet<>(settings.removeHeaders());
        if (capture != null) {
            byte[] body = exchange.body().bytes();
            if (exchange.match().isRouteRoot()) {
                // A Universal request: its steps' headers hold provider credentials.
                body = HeaderFilter.withLoggableStepHeaders(exchange.body(), removed);
                body = body == null ? new byte[0] : body;
            }
            int max = settings.maxPayloadBytes();
            request = body.length <= max ? body : java.util.Arrays.copyOf(body, max);
            response = capture.bytes();
            cut = body.length > max || capture.cut();
        }
        // None for a request refused before planning (a 401): its record names no provider or model.
        PlannedTarget answered = exchange.answeredBy(c.step());
        LogEntry entry = new LogEntry(
                exchange.logId(),
                exchange.eventId(),
                exchange.startEpochMillis(),
                c.durationNanos(),
                c.ttfbNanos(),
                exchange.route().name(),
                answered == null ? null : answered.target().provider().slug(),
                answered == null ? null : answered.model(),
                exchange.method(),
                "/" + exchange.match().rest(),
                c.status(),
                c.success(),
                c.cached(),
                c.step(),
                c.attempts(),
                c.errorType(),
                c.usage(),
                c.costUsd(),
                exchange.cfAig().customCost() != null,
                exchange.cfAig().metadata(),
                exchange.body().size(),
                c.responseBytes(),
                c.truncated(),
                clientHash(exchange),
                HeaderFilter.loggable(exchange.clientHeaders(), removed),
                request,
                response,
                cut,
                Redactor.of(new HashSet<>(settings.redact())),
                exchange.facts().waitCutShort(),
                exchange.headerNotes().stream().map(HeaderNote::detail).toList(),
                exchange.facts().findings(),
                exchange.facts().flow(),
                exchange.facts().choices(),
                exchange.facts().member(),
                exchange.facts().session(),
                exchange.facts().semanticSimilarity());
        if (settings.recordBeforeAnswer()) {
            durable = writer.submitDurable(entry);
        } else {
            writer.submit(entry);
        }
    }

    @Override
    public boolean holdsAnswerEnd() {
        return settings.recordBeforeAnswer();
    }

    @Override
    public CompletableFuture<Void> durable() {
        return durable;
    }

    /**
     * Who asked, as a hash: the authenticated gateway client, else the host's consumer, else the
     * client's own provider credential. Never the value itself.
     */
    static String clientHash(Exchange exchange) {
        String who = exchange.facts().clientIdentity();
        if (who == null) {
            who = exchange.hostConsumer();
        }
        if (who == null && exchange.plan() != null) {
            who = exchange.target().provider().auth().clientCredential(exchange.clientHeaders());
        }
        return who == null ? null : Secret.fingerprint(who);
    }

    /**
     * The first bytes of the answer the client got, up to the route's limit: each chunk copied once,
     * exactly sized, and joined once at the end (a plain answer is one chunk: no join at all). A
     * growing stream would copy what it kept at every growth, and its final trim once more.
     */
    static final class Capture implements ResponseObserver {
        private static final byte[] NONE = new byte[0];
        private final int max;
        private final List<byte[]> kept = new ArrayList<>(4);
        private int size;
        private boolean cut;

        Capture(int max) {
            this.max = max;
        }

        @Override
        public void onChunk(ByteBuffer chunk) {
            int room = max - size;
            if (chunk.remaining() > room) {
                cut = true;
            }
            int n = Math.min(room, chunk.remaining());
            if (n > 0) {
                byte[] copy = new byte[n];
                chunk.get(chunk.position(), copy, 0, n);
                kept.add(copy);
                size += n;
            }
        }

        /** Whether the answer had more bytes than the limit kept. */
        boolean cut() {
            return cut;
        }

        byte[] bytes() {
            if (kept.isEmpty()) {
                return NONE;
            }
            if (kept.size() == 1) {
                return kept.get(0);
            }
            byte[] all = new byte[size];
            int at = 0;
            for (byte[] part : kept) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }
    }
}
