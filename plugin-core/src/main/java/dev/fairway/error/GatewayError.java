package dev.fairway.error;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the gateway answers itself, rendered as
 * {@code {"error":{"type":"invalid_header","header":"cf-aig-max-attempts","message":"..."}}}.
 * Extra fields ({@code header}, {@code field}, {@code rule}, ...) name what was wrong, so a client
 * can act on the error without parsing prose. Messages never carry secrets.
 */
public final class GatewayError extends RuntimeException {
    private static final JsonFactory JSON = new JsonFactory();

    private final ErrorType type;
    private final int status;
    private final Map<String, Object> details;
    private final CloudflareCode cloudflareCode;

    private GatewayError(ErrorType type, int status, String message, Map<String, Object> details, CloudflareCode cloudflareCode) {
        super(requireNonNull(message, "message"), null, false, false);
        this.type = requireNonNull(type, "type");
        this.status = status;
        this.details = details;
        this.cloudflareCode = cloudflareCode;
    }

    public static GatewayError of(ErrorType type, String message) {
        return new GatewayError(type, type.status(), message, Map.of(), null);
    }

    public static GatewayError of(ErrorType type, String format, Object... args) {
        return of(type, String.format(format, args));
    }

    public static GatewayError invalidHeader(String header, String message) {
        return of(ErrorType.INVALID_HEADER, message).with("header", header);
    }

    public static GatewayError invalidField(String field, String message) {
        return of(ErrorType.INVALID_REQUEST, message).with("field", field);
    }

    /** A copy with one more detail field in the JSON body. */
    public GatewayError with(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
        return new GatewayError(type, status, getMessage(), more, cloudflareCode);
    }

    /** A copy that Cloudflare would answer with this code rather than its type's (a DLP block, say). */
    public GatewayError as(CloudflareCode code) {
        return new GatewayError(type, status, getMessage(), details, requireNonNull(code, "code"));
    }

    /** A copy answered with another status than the type's default (a 503 for a store outage, say). */
    public GatewayError withStatus(int newStatus) {
        return new GatewayError(type, newStatus, getMessage(), details, cloudflareCode);
    }

    public ErrorType type() {
        return type;
    }

    public int status() {
        return status;
    }

    public Map<String, Object> details() {
        return details;
    }

    /** The Cloudflare code this error was given, or null when its type decides (see {@link CloudflareCode}). */
    public CloudflareCode cloudflareCode() {
        return cloudflareCode;
    }

    /** The body in the gateway's own format. */
    public byte[] toJson() {
        return toJson(ErrorFormat.FAIRWAY);
    }

    /** The body in {@code format}; the status code does not depend on it. */
    public byte[] toJson(ErrorFormat format) {
        return format == ErrorFormat.CLOUDFLARE ? cloudflareJson() : fairwayJson();
    }

    /** {@code {"success":false,"result":[],"messages":[],"error":[{"code":2009,"message":"Unauthorized"}]}}. */
    private byte[] cloudflareJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeBooleanField("success", false);
            gen.writeArrayFieldStart("result");
            gen.writeEndArray();
            gen.writeArrayFieldStart("messages");
            gen.writeEndArray();
            gen.writeArrayFieldStart("error");
            gen.writeStartObject();
            gen.writeNumberField("code", CloudflareCode.codeOf(this));
            gen.writeStringField("message", CloudflareCode.messageOf(this));
            gen.writeEndObject();
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private byte[] fairwayJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeObjectFieldStart("error");
            gen.writeStringField("type", type.wireName());
            for (Map.Entry<String, Object> e : details.entrySet()) {
                gen.writeFieldName(e.getKey());
                writeValue(gen, e.getValue());
            }
            gen.writeStringField("message", getMessage());
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeValue(JsonGenerator gen, Object value) throws IOException {
        if (value instanceof Number n) {
            gen.writeNumber(n.toString());
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Iterable<?> items) {
            gen.writeStartArray();
            for (Object item : items) {
                writeValue(gen, item);
            }
            gen.writeEndArray();
        } else {
            gen.writeString(String.valueOf(value));
        }
    }
}
