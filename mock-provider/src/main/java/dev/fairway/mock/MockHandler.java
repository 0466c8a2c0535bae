package dev.fairway.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns each HTTP request into a recorded request, a fault decision and an answer. */
final class MockHandler implements Handler<HttpServerRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(MockHandler.class);

    private final Vertx vertx;
    private final int defaultChunks;
    private final RequestRecorder recorder;
    private final FaultPlan faults;

    MockHandler(Vertx vertx, int defaultChunks, RequestRecorder recorder, FaultPlan faults) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.defaultChunks = defaultChunks;
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.faults = Objects.requireNonNull(faults, "faults");
    }

    @Override
    public void handle(HttpServerRequest request) {
        // A body that never completes means the client went away; there is no one to answer.
        request.body().onSuccess(body -> {
            try {
                answer(request, body);
            } catch (RuntimeException e) {
                LOG.error("mock provider failed on {} {}", request.method(), request.uri(), e);
                if (!request.response().headWritten() && !request.response().closed()) {
                    byte[] error = Json.bytes(ErrorShape.OPENAI.body(500, "mock provider bug: " + e, Ids.of(request.method().name(), request.uri(), new byte[0])));
                    new Reply(vertx, request).json(500, error, Map.of());
                }
            }
        });
    }

    private void answer(HttpServerRequest request, Buffer buffer) {
        String method = request.method().name();
        byte[] bytes = buffer.getBytes();
        Optional<Route> route = Route.match(method, request.path());
        JsonNode body = Json.object();
        String malformed = null;
        if (route.isPresent() && route.get().endpoint().hasBody()) {
            try {
                body = Json.parse(bytes);
            } catch (JsonProcessingException e) {
                malformed = e.getOriginalMessage();
            }
        }
        String model = route.map(Route::pathModel).orElse(body.path("model").isTextual() ? body.path("model").textValue() : null);
        RecordedRequest recorded = new RecordedRequest(method, request.uri(), headers(request), bytes, model);
        recorder.record(recorded);

        Ids ids = Ids.of(method, request.uri(), bytes);
        ErrorShape shape = route.map(r -> r.endpoint().format().errorShape()).orElse(ErrorShape.OPENAI);
        Reply reply = new Reply(vertx, request);
        Directives directives;
        try {
            directives = Directives.read(recorded, defaultChunks);
        } catch (IllegalArgumentException e) {
            reply.json(400, Json.bytes(shape.body(400, e.getMessage(), ids)), shape.headers(400));
            return;
        }
        Fault fault = faults.decide(recorded, directives.fault(), ids.fingerprint()).orElse(null);
        Duration delay = fault == null ? Duration.ZERO : fault.firstByteDelay();
        JsonNode parsed = body;
        String bodyError = malformed;
        reply.after(delay, () -> {
            if (fault != null && fault.resetConnection()) {
                reply.reset();
            } else if (fault != null && (fault.errorIn200() || fault.statusCode() != 0)) {
                sendFault(reply, shape, ids, fault);
            } else if (route.isEmpty()) {
                String message = "Unknown request URL: " + method + " " + request.path() + " (mock provider)";
                reply.json(404, Json.bytes(ErrorShape.OPENAI.body(404, message, ids)), Map.of());
            } else if (bodyError != null) {
                String message = "We could not parse the JSON body of your request: " + bodyError;
                reply.json(400, Json.bytes(shape.body(400, message, ids)), shape.headers(400));
            } else {
                String query = request.query() == null ? "" : request.query();
                Exchange exchange = exchange(route.get(), parsed, query, model, directives, ids);
                sendAnswer(reply, route.get().endpoint().format(), exchange, fault);
            }
        });
    }

    private static Exchange exchange(Route route, JsonNode body, String query, String model, Directives d, Ids ids) {
        WireFormat format = route.endpoint().format();
        Answer answer = Answer.to(format.prompt(body), d.chunks(), d.cachedTokens());
        return new Exchange(model != null ? model : format.defaultModel(), body, query, answer, ids);
    }

    private void sendAnswer(Reply reply, WireFormat format, Exchange exchange, Fault fault) {
        Map<String, String> headers = retryAfter(fault);
        if (format instanceof StreamingFormat streaming && streaming.streaming(exchange.body(), exchange.query())) {
            StreamScript script = StreamScript.of(streaming.stream(exchange), fault,
                    sent -> streaming.errorFrame(exchange, sent));
            Duration chunkDelay = fault == null ? Duration.ZERO : fault.chunkDelay();
            reply.stream(streaming.contentType(exchange), script, chunkDelay, headers);
            return;
        }
        byte[] body = Json.bytes(format.reply(exchange));
        if (fault != null && fault.cutAfter().isPresent()) {
            reply.jsonCut(200, body, headers);
        } else {
            reply.json(200, body, headers);
        }
    }

    /** An error status with the provider's error body, or status 200 carrying that body. */
    private static void sendFault(Reply reply, ErrorShape shape, Ids ids, Fault fault) {
        int errorStatus = fault.statusCode() != 0 ? fault.statusCode() : 500;
        int httpStatus = fault.errorIn200() ? 200 : errorStatus;
        Map<String, String> headers = new LinkedHashMap<>(retryAfter(fault));
        if (httpStatus >= 400) {
            headers.putAll(shape.headers(httpStatus));
        }
        byte[] body = fault.body()
                .map(text -> text.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> Json.bytes(shape.body(errorStatus, ErrorShape.faultMessage(errorStatus), ids)));
        reply.json(httpStatus, body, headers);
    }

    private static Map<String, String> retryAfter(Fault fault) {
        if (fault == null || fault.retryAfterSeconds().isEmpty()) {
            return Map.of();
        }
        return Map.of("retry-after", Integer.toString(fault.retryAfterSeconds().getAsInt()));
    }

    private static Map<String, List<String>> headers(HttpServerRequest request) {
        Map<String, List<String>> headers = new HashMap<>();
        request.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return headers;
    }
}
