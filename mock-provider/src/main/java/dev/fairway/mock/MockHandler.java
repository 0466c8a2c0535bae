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
        request.body().onSuccess(body -> guarded(request, () -> receive(request, body)));
    }

    /** A request as parsed once: what is recorded, routed and answered. */
    private record Incoming(Optional<Route> route, JsonNode body, String malformed, String model,
                            RecordedRequest recorded, Ids ids, ErrorShape shape) {
    }

    private void receive(HttpServerRequest request, Buffer buffer) {
        Incoming in = parse(request, buffer.getBytes());
        recorder.record(in.recorded());
        Reply reply = new Reply(vertx, request);
        Directives directives;
        try {
            directives = Directives.read(in.recorded(), defaultChunks);
        } catch (IllegalArgumentException e) {
            reply.json(400, Json.bytes(in.shape().body(400, e.getMessage(), in.ids())), in.shape().headers(400));
            return;
        }
        Fault fault = faults.decide(in.recorded(), directives.fault(), in.ids().fingerprint()).orElse(null);
        Duration delay = fault == null ? Duration.ZERO : fault.firstByteDelay();
        reply.after(delay, () -> guarded(request, () -> respond(request, reply, in, directives, fault)));
    }

    private static Incoming parse(HttpServerRequest request, byte[] bytes) {
        String method = request.method().name();
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
        JsonNode bodyModel = body.path("model");
        String model = route.map(Route::pathModel).orElse(bodyModel.isTextual() ? bodyModel.textValue() : null);
        RecordedRequest recorded = new RecordedRequest(method, request.uri(), headers(request), bytes, model);
        ErrorShape shape = route.map(r -> r.endpoint().format().errorShape()).orElse(ErrorShape.OPENAI);
        return new Incoming(route, body, malformed, model, recorded, Ids.of(method, request.uri(), bytes), shape);
    }

    /** Faults first, as a failing upstream fails whatever was asked; then 404, 400, or the answer. */
    private void respond(HttpServerRequest request, Reply reply, Incoming in, Directives directives, Fault fault) {
        if (fault != null && fault.resetConnection()) {
            reply.reset();
        } else if (fault != null && (fault.errorIn200() || fault.statusCode() != 0)) {
            sendFault(reply, in.shape(), in.ids(), fault);
        } else if (in.route().isEmpty()) {
            String message = "Unknown request URL: " + request.method() + " " + request.path() + " (mock provider)";
            reply.json(404, Json.bytes(ErrorShape.OPENAI.body(404, message, in.ids())), Map.of());
        } else if (in.malformed() != null) {
            String message = "We could not parse the JSON body of your request: " + in.malformed();
            reply.json(400, Json.bytes(in.shape().body(400, message, in.ids())), in.shape().headers(400));
        } else {
            WireFormat format = in.route().get().endpoint().format();
            Answer answer = Answer.to(format.prompt(in.body()), directives.chunks(), directives.cachedTokens());
            String query = request.query() == null ? "" : request.query();
            String model = in.model() != null ? in.model() : format.defaultModel();
            sendAnswer(reply, format, new Exchange(model, in.body(), query, answer, in.ids()), fault);
        }
    }

    /** A bug here (or in a rule's predicate) becomes a 500 the test can see, not a hung request. */
    private void guarded(HttpServerRequest request, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("mock provider failed on {} {}", request.method(), request.uri(), e);
            if (!request.response().headWritten() && !request.response().closed()) {
                Ids ids = Ids.of(request.method().name(), request.uri(), new byte[0]);
                byte[] error = Json.bytes(ErrorShape.OPENAI.body(500, "mock provider bug: " + e, ids));
                new Reply(vertx, request).json(500, error, Map.of());
            }
        }
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
