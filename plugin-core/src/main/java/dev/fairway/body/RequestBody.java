package dev.fairway.body;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request body as received, and the one typed view of it every part of the gateway reads
 * (routing, planning, translation, cache keys, guardrails, metering). The bytes are kept as they
 * came and go upstream unchanged unless a step really changes them; the JSON is parsed at most once
 * per request, on first use, into a tree that is shared and never changed (a user that needs a
 * changed body copies it: {@link #withModel}).
 */
public final class RequestBody {
    public static final RequestBody EMPTY = new RequestBody(new byte[0], Kind.NONE, new AtomicInteger());

    /** What the bytes are read as: nothing, one request object, or a Universal request (an array or an object). */
    private enum Kind { NONE, OBJECT, ANY }

    private final byte[] bytes;
    private final Kind kind;
    /** Parses made for this request: shared with the views derived from it ({@link #withModel}). */
    private final AtomicInteger parses;
    private volatile JsonNode root;

    private RequestBody(byte[] bytes, Kind kind, AtomicInteger parses) {
        this.bytes = requireNonNull(bytes, "bytes");
        this.kind = kind;
        this.parses = parses;
    }

    private RequestBody(byte[] bytes, JsonNode root, AtomicInteger parses) {
        this(bytes, Kind.OBJECT, parses);
        this.root = root;
    }

    /**
     * The view of a request body, unparsed. JSON bodies are read on first use; a syntax error is then
     * a 400 that says where. Bodies of other content types (multipart audio, plain text) are never read.
     */
    public static RequestBody of(byte[] bytes, String contentType) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        return new RequestBody(bytes, looksJson(contentType, bytes) ? Kind.OBJECT : Kind.NONE, new AtomicInteger());
    }

    /** As {@link #of}, parsed now: its 400 (if any) is thrown here. */
    public static RequestBody scan(byte[] bytes, String contentType) {
        RequestBody body = of(bytes, contentType);
        body.node();
        return body;
    }

    /** A Universal request: any JSON value, checked by its reader ({@code plan.UniversalRequest}). */
    public static RequestBody universal(byte[] bytes) {
        return new RequestBody(bytes, Kind.ANY, new AtomicInteger());
    }

    /**
     * A part of this request that is itself a request body (a Universal step's {@code query}), from
     * the tree already parsed: {@code bytes} are that part written out, and nothing is parsed again.
     */
    public RequestBody part(byte[] bytes, ObjectNode tree) {
        check(requireNonNull(tree, "tree"));
        return new RequestBody(bytes, tree, parses);
    }

    public byte[] bytes() {
        return bytes;
    }

    public int size() {
        return bytes.length;
    }

    /** Whether the body is JSON (false for empty bodies and non-JSON uploads). */
    public boolean json() {
        return kind != Kind.NONE;
    }

    /** The top-level {@code model} string, or null. */
    public String model() {
        JsonNode m = object().get("model");
        return m == null || m.isNull() ? null : m.textValue();
    }

    /** The top-level {@code stream} flag. */
    public boolean stream() {
        return object().path("stream").booleanValue();
    }

    /** Whether the client set {@code stream_options.include_usage} at all (true or false). */
    public boolean statesIncludeUsage() {
        return object().path("stream_options").has("include_usage");
    }

    /** {@code stream_options.include_usage}, false when absent. */
    public boolean includeUsage() {
        return object().path("stream_options").path("include_usage").asBoolean(false);
    }

    /** Whether there is a {@code stream_options} member. */
    public boolean hasStreamOptions() {
        return object().has("stream_options");
    }

    /** Whether the request offers tools ({@code tools}, a non-empty array). */
    public boolean hasTools() {
        JsonNode tools = object().get("tools");
        return tools != null && tools.isArray() && !tools.isEmpty();
    }

    /** The top-level {@code n}, 1 when absent. */
    public int n() {
        JsonNode n = object().get("n");
        return n != null && n.canConvertToInt() ? n.intValue() : 1;
    }

    /**
     * The JSON object, shared and not to be changed (copy it with {@code deepCopy()}), or null when
     * the body is not a JSON object.
     */
    public ObjectNode tree() {
        return json() && node() instanceof ObjectNode o ? o : null;
    }

    /** The parsed JSON value of a JSON body (a Universal request's array too), or null for other bodies. */
    public JsonNode node() {
        if (kind == Kind.NONE) {
            return null;
        }
        JsonNode r = root;
        if (r == null) {
            synchronized (this) {
                r = root;
                if (r == null) {
                    r = parse();
                    root = r;
                }
            }
        }
        return r;
    }

    /** How many times this request's JSON was parsed: at most once, whoever asks. */
    public int parses() {
        return parses.get();
    }

    /**
     * This body with its top-level {@code model} set to {@code model}, as a view of its own that is
     * already parsed; a body that is not a JSON object is returned as it is.
     */
    public RequestBody withModel(String model) {
        ObjectNode tree = tree();
        if (tree == null) {
            return this;
        }
        ObjectNode copy = tree.deepCopy();
        copy.put("model", model);
        try {
            return new RequestBody(BodyJson.MAPPER.writeValueAsBytes(copy), copy, parses);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed body could not be written again", e);
        }
    }

    private ObjectNode object() {
        ObjectNode tree = tree();
        return tree == null ? BodyJson.MAPPER.createObjectNode() : tree;
    }

    private JsonNode parse() {
        parses.incrementAndGet();
        JsonNode value;
        try (JsonParser p = BodyJson.MAPPER.createParser(bytes)) {
            value = BodyJson.MAPPER.readTree(p);
            if (value == null && kind == Kind.ANY) {
                // A Universal reader says what it expected of an empty body.
                value = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            } else if (value == null) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: expected a JSON object").with("field", "body");
            }
            if (p.nextToken() != null) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: unexpected content after the JSON object").with("field", "body");
            }
        } catch (com.fasterxml.jackson.core.JsonParseException e) {
            var at = e.getLocation();
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body is not valid JSON: %s (line %d, column %d)",
                    e.getOriginalMessage(), at.getLineNr(), at.getColumnNr()).with("field", "body");
        } catch (IOException e) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body is not valid JSON").with("field", "body");
        }
        if (kind == Kind.OBJECT) {
            check(value);
        }
        return value;
    }

    /** The two fields the gateway routes on must have their types: a wrong one is the client's 400, not a guess. */
    private static void check(JsonNode value) {
        if (!value.isObject()) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: expected a JSON object").with("field", "body");
        }
        JsonNode model = value.get("model");
        if (model != null && !model.isTextual()) {
            throw GatewayError.invalidField("model", "model: expected a string");
        }
        JsonNode stream = value.get("stream");
        if (stream != null && !stream.isBoolean() && !stream.isNull()) {
            throw GatewayError.invalidField("stream", "stream: expected true or false");
        }
    }

    /**
     * JSON by content type, or by its first byte: {@code curl -d} labels JSON as a form, and SDKs for
     * some providers send no type at all. Other uploads (multipart audio, plain text) pass unread.
     */
    private static boolean looksJson(String contentType, byte[] bytes) {
        if (contentType != null) {
            String ct = contentType.toLowerCase(Locale.ROOT);
            if (ct.startsWith("application/json") || ct.contains("+json")) {
                return true;
            }
        }
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return b == '{' && (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/"));
            }
        }
        return false;
    }
}
