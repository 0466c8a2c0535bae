package dev.fairway.envoy;

import com.google.protobuf.ByteString;
import dev.fairway.host.HostResult;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import com.google.protobuf.BoolValue;
import java.nio.charset.StandardCharsets;

/**
 * Translation between ext_proc messages and the core's types. Header values travel as raw bytes
 * ({@code HeaderValue.raw_value}); they are read and written as ISO-8859-1 so every byte survives
 * the round trip, as it does through the dispatcher's HTTP codec.
 */
final class Messages {
    static final ProcessingResponse CONTINUE_REQUEST_HEADERS = ProcessingResponse.newBuilder()
            .setRequestHeaders(HeadersResponse.getDefaultInstance()).build();
    /**
     * The request-side phases only, as a dispatcher route uses them: the whole request (headers and
     * BUFFERED body) and nothing of the response, which the dispatcher has already seen and headed
     * (request trailers are answered with CONTINUE, so they are not asked for either). Every field is
     * explicit: an Envoy before 1.35 replaces the whole mode with an override, a later one keeps
     * the configured header modes only where the override leaves them DEFAULT (ext_proc.cc,
     * effectiveModeOverride); body modes are always taken as sent.
     */
    static final ProcessingMode REQUEST_ONLY = ProcessingMode.newBuilder()
            .setRequestHeaderMode(ProcessingMode.HeaderSendMode.SEND)
            .setRequestBodyMode(ProcessingMode.BodySendMode.BUFFERED)
            .setRequestTrailerMode(ProcessingMode.HeaderSendMode.SKIP)
            .setResponseHeaderMode(ProcessingMode.HeaderSendMode.SKIP)
            .setResponseBodyMode(ProcessingMode.BodySendMode.NONE)
            .setResponseTrailerMode(ProcessingMode.HeaderSendMode.SKIP)
            .build();
    /**
     * CONTINUE to the request headers of a dispatcher route, telling Envoy to send no response
     * phase: honoured where the filter sets {@code allow_mode_override} (and, when it lists
     * {@code allowed_override_modes}, {@link #REQUEST_ONLY} among them); ignored otherwise, and
     * ignored in response to anything but headers (external_processor.proto, mode_override).
     */
    static final ProcessingResponse CONTINUE_REQUEST_HEADERS_REQUEST_ONLY = CONTINUE_REQUEST_HEADERS.toBuilder()
            .setModeOverride(REQUEST_ONLY).build();
    static final ProcessingResponse CONTINUE_RESPONSE_HEADERS = ProcessingResponse.newBuilder()
            .setResponseHeaders(HeadersResponse.getDefaultInstance()).build();
    static final ProcessingResponse CONTINUE_REQUEST_BODY = ProcessingResponse.newBuilder()
            .setRequestBody(BodyResponse.getDefaultInstance()).build();
    static final ProcessingResponse CONTINUE_RESPONSE_BODY = ProcessingResponse.newBuilder()
            .setResponseBody(BodyResponse.getDefaultInstance()).build();
    static final ProcessingResponse CONTINUE_REQUEST_TRAILERS = ProcessingResponse.newBuilder()
            .setRequestTrailers(TrailersResponse.getDefaultInstance()).build();
    static final ProcessingResponse CONTINUE_RESPONSE_TRAILERS = ProcessingResponse.newBuilder()
            .setResponseTrailers(TrailersResponse.getDefaultInstance()).build();

    private Messages() {}

    /** The regular fields of a header map; pseudo-headers ({@code :path}, ...) are left out. */
    static Headers regular(HeaderMap map) {
        Headers out = new Headers();
        for (HeaderValue h : map.getHeadersList()) {
            if (!h.getKey().startsWith(":")) {
                out.add(h.getKey(), value(h));
            }
        }
        return out;
    }

    /** The first value of {@code name} (pseudo-headers included), or null. */
    static String get(HeaderMap map, String name) {
        for (HeaderValue h : map.getHeadersList()) {
            if (h.getKey().equals(name)) {
                return value(h);
            }
        }
        return null;
    }

    /** The {@code :status} of response headers, or 0 when it is missing or not a number. */
    static int status(HeaderMap map) {
        String value = get(map, ":status");
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String value(HeaderValue h) {
        // Envoy fills raw_value; value is only set by older senders.
        return h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toString(StandardCharsets.ISO_8859_1);
    }

    /** Replaces every value {@code name} had. */
    static HeaderValueOption set(String name, String value) {
        return option(name, value, false);
    }

    /** Adds a value to {@code name}, keeping the ones it has. */
    static HeaderValueOption append(String name, String value) {
        return option(name, value, true);
    }

    /**
     * Envoy's ext_proc reads only the deprecated {@code append} wrapper of a set_headers entry
     * (source/extensions/filters/http/ext_proc/mutation_utils.cc, applyHeaderMutations): unset or
     * false overwrites, true adds; {@code append_action} is ignored there. It is left at its
     * default, since other Envoy code (HeaderParser) refuses an entry that sets both.
     */
    private static HeaderValueOption option(String name, String value, boolean append) {
        HeaderValueOption.Builder b = HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFrom(value, StandardCharsets.ISO_8859_1)));
        return append ? b.setAppend(BoolValue.of(true)).build() : b.build();
    }

    /** Sets every field of {@code headers}, replacing what the message had under those names. */
    static HeaderMutation setAll(Headers headers) {
        HeaderMutation.Builder m = HeaderMutation.newBuilder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            m.addSetHeaders(seen.add(name) ? set(name, headers.value(i)) : append(name, headers.value(i)));
        }
        return m.build();
    }

    /** A local reply carrying the core's answer as is: status, headers (cf-aig-*), JSON body. */
    static ProcessingResponse immediate(Decision.Answer answer, String details) {
        Headers headers = Headers.copyOf(answer.headers());
        // Envoy computes the length of a local reply itself.
        headers.remove("content-length");
        return ProcessingResponse.newBuilder().setImmediateResponse(ImmediateResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCodeValue(answer.status()))
                .setHeaders(setAll(headers))
                .setBody(ByteString.copyFrom(answer.body()))
                .setDetails(details))
                .build();
    }

    static ProcessingResponse requestHeaders(CommonResponse common) {
        return ProcessingResponse.newBuilder().setRequestHeaders(HeadersResponse.newBuilder().setResponse(common)).build();
    }

    /** The answer to the request message the decision waited for: its headers, or its body. */
    static ProcessingResponse request(CommonResponse common, boolean bodyPhase) {
        return bodyPhase ? requestBody(common) : requestHeaders(common);
    }

    /** {@link #request}, for a request that leaves the response unobserved ({@link #REQUEST_ONLY}; headers only). */
    static ProcessingResponse requestOnly(CommonResponse common, boolean bodyPhase) {
        return bodyPhase ? requestBody(common) : ProcessingResponse.newBuilder()
                .setRequestHeaders(HeadersResponse.newBuilder().setResponse(common)).setModeOverride(REQUEST_ONLY).build();
    }

    /** An immediate response's details, which Envoy shows in its access log as %RESPONSE_CODE_DETAILS%. */
    static String details(HostResult.Why why) {
        return switch (why) {
            case DECIDED -> "fairway_answer";
            case DEADLINE -> "fairway_decision_timeout";
            case FAILED -> "fairway_internal_error";
            case REFUSED -> "fairway_direct_refused";
        };
    }

    static ProcessingResponse requestBody(CommonResponse common) {
        return ProcessingResponse.newBuilder().setRequestBody(BodyResponse.newBuilder().setResponse(common)).build();
    }

    static ProcessingResponse responseHeaders(HeaderMutation mutation) {
        return ProcessingResponse.newBuilder().setResponseHeaders(HeadersResponse.newBuilder()
                .setResponse(CommonResponse.newBuilder().setHeaderMutation(mutation))).build();
    }

    /**
     * The answer to a response body chunk that lets it pass unchanged. In FULL_DUPLEX_STREAMED mode
     * Envoy forwards only what the server streams back, so the chunk is echoed at once.
     */
    static ProcessingResponse passResponseBody(ByteString chunk, boolean endOfStream, boolean fullDuplex) {
        if (!fullDuplex) {
            return CONTINUE_RESPONSE_BODY;
        }
        return ProcessingResponse.newBuilder().setResponseBody(BodyResponse.newBuilder().setResponse(
                CommonResponse.newBuilder().setBodyMutation(BodyMutation.newBuilder().setStreamedResponse(
                        StreamedBodyResponse.newBuilder().setBody(chunk).setEndOfStream(endOfStream)))))
                .build();
    }
}
