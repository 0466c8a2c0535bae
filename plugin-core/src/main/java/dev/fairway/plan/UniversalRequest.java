package dev.fairway.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.body.RequestBody;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.Backoff;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.http.Headers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Universal request body: a JSON array of steps, tried in order. Every problem is a 400
 * naming the step and the field ({@code "step":1,"field":"provider"}).
 */
final class UniversalRequest {
    private static final Set<String> STEP_FIELDS = Set.of("provider", "endpoint", "headers", "query", "config");
    private static final Set<String> CONFIG_FIELDS = Set.of("requestTimeout", "maxAttempts", "retryDelay", "backoff", "fallbackOn");
    static final int MAX_STEPS = 10;
    /** Writes each step's {@code query}, the body that goes upstream for it. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private UniversalRequest() {}

    static List<UniversalStep> parse(RequestBody body) {
        JsonNode root;
        try {
            root = body.node();
        } catch (GatewayError e) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "universal request: not valid JSON").with("field", "body");
        }
        if (root != null && root.isObject()) {
            // Cloudflare accepts a single step as a bare object.
            root = MAPPER.createArrayNode().add(root);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST,
                    "universal request: expected a step {provider, endpoint, headers, query} or a non-empty JSON array of them").with("field", "body");
        }
        if (root.size() > MAX_STEPS) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "universal request: %d steps (expected: at most %d)", root.size(), MAX_STEPS)
                    .with("field", "body");
        }
        List<UniversalStep> steps = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            steps.add(step(i, root.get(i)));
        }
        return steps;
    }

    private static UniversalStep step(int i, JsonNode s) {
        if (!s.isObject()) {
            throw bad(i, "", "expected an object {provider, endpoint, headers, query}");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!STEP_FIELDS.contains(f)) {
                throw bad(i, f, "unknown field (known: config, endpoint, headers, provider, query)");
            }
        }
        String provider = text(i, s, "provider");
        String endpoint = text(i, s, "endpoint");
        JsonNode query = s.get("query");
        if (query == null || !query.isObject()) {
            throw bad(i, "query", "expected the provider's request body as a JSON object");
        }
        Headers headers = new Headers();
        JsonNode h = s.get("headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) {
                throw bad(i, "headers", "expected an object of header names to strings");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw bad(i, "headers." + e.getKey(), "expected a string");
                }
                String name = e.getKey();
                String value = e.getValue().textValue();
                StepHeaders.check(i, name, value);
                if (!StepHeaders.isFraming(name)) {
                    headers.add(name, value);
                }
            }
        }
        JsonNode c = s.path("config");
        if (!c.isMissingNode() && !c.isObject()) {
            throw bad(i, "config", "expected an object {requestTimeout, maxAttempts, retryDelay, backoff}");
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!CONFIG_FIELDS.contains(f)) {
                throw bad(i, "config." + f, "unknown field (known: backoff, fallbackOn, maxAttempts, requestTimeout, retryDelay)");
            }
        }
        try {
            return new UniversalStep(i, provider, endpoint, headers, MAPPER.writeValueAsBytes(query), (ObjectNode) query,
                    number(i, c, "requestTimeout", 1, CfAigHeaderParser.MAX_REQUEST_TIMEOUT_MS),
                    number(i, c, "maxAttempts", 1, CfAigHeaderParser.MAX_ATTEMPTS),
                    number(i, c, "retryDelay", 0, CfAigHeaderParser.MAX_RETRY_DELAY_MS),
                    backoff(i, c), fallbackOn(i, c));
        } catch (IOException e) {
            throw bad(i, "query", "cannot be serialised");
        }
    }

    private static String text(int i, JsonNode s, String field) {
        JsonNode n = s.get(field);
        if (n == null || !n.isTextual() || n.textValue().isBlank()) {
            throw bad(i, field, "required string");
        }
        return n.textValue();
    }

    private static Integer number(int i, JsonNode c, String field, int min, int max) {
        JsonNode n = c.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min || n.asInt() > max) {
            throw bad(i, "config." + field, String.format("%s (expected: a whole number from %d to %d)", n, min, max));
        }
        return n.asInt();
    }

    private static Backoff backoff(int i, JsonNode c) {
        JsonNode n = c.get("backoff");
        if (n == null || n.isNull()) {
            return null;
        }
        try {
            return Backoff.valueOf(n.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(i, "config.backoff", "'" + n.asText() + "' (expected: constant, linear or exponential)");
        }
    }

    /** A step's narrowing of what moves on to the next step: upstream statuses from 400 to 599. */
    private static Set<Integer> fallbackOn(int i, JsonNode c) {
        JsonNode n = c.get("fallbackOn");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw bad(i, "config.fallbackOn", "expected an array of HTTP statuses from 400 to 599");
        }
        Set<Integer> out = new java.util.HashSet<>();
        for (JsonNode s : n) {
            if (!s.isIntegralNumber() || s.asInt() < 400 || s.asInt() > 599) {
                throw bad(i, "config.fallbackOn", s + " (expected: an HTTP status from 400 to 599)");
            }
            out.add(s.asInt());
        }
        return Set.copyOf(out);
    }

    static GatewayError bad(int step, String field, String message) {
        GatewayError e = GatewayError.of(ErrorType.INVALID_REQUEST, "step %d%s: %s", step, field.isEmpty() ? "" : " " + field, message)
                .with("step", step);
        return field.isEmpty() ? e : e.with("field", field);
    }
}
