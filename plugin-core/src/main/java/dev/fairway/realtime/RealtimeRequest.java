package dev.fairway.realtime;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.provider.Provider;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.provider.WireFormat;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A WebSocket upgrade as the gateway decides it: like any request (route, authentication, policy,
 * quotas, planning), once it says what it is. A Realtime session has no body, so the decision is
 * given one naming the query's {@code model} (the model policy, quotas, pricing and logs see); the
 * credentials a browser can only send as subprotocols ({@code cf-aig-authorization.<token>},
 * {@code openai-insecure-api-key.<key>}) become the headers the gateway reads; and Cloudflare's
 * short shape, {@code /v1/<account>/<gateway>/openai?model=...}, names the provider's
 * {@code realtime} endpoint.
 */
public final class RealtimeRequest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The API path of an OpenAI-format provider's Realtime endpoint. */
    static final String REALTIME = "realtime";
    static final String GATEWAY_TOKEN_PROTOCOL = "cf-aig-authorization.";
    static final String OPENAI_KEY_PROTOCOL = "openai-insecure-api-key.";

    private RealtimeRequest() {}

    /** Whether {@code headers} ask for a WebSocket upgrade. */
    public static boolean isUpgrade(Headers headers) {
        String upgrade = headers.get("upgrade");
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }

    /**
     * The request the gateway decides for an upgrade to {@code target}.
     *
     * @param registry names the providers a path may end at (Cloudflare's short shape)
     */
    public static GatewayRequest forDecision(String target, Headers clientHeaders, String hostConsumer, ProviderRegistry registry) {
        requireNonNull(target, "target");
        Headers headers = Headers.copyOf(clientHeaders);
        for (String protocol : subprotocols(clientHeaders)) {
            if (protocol.startsWith(GATEWAY_TOKEN_PROTOCOL) && !headers.contains("cf-aig-authorization")) {
                headers.set("cf-aig-authorization", "Bearer " + protocol.substring(GATEWAY_TOKEN_PROTOCOL.length()));
            } else if (protocol.startsWith(OPENAI_KEY_PROTOCOL) && !headers.contains("authorization")) {
                headers.set("authorization", "Bearer " + protocol.substring(OPENAI_KEY_PROTOCOL.length()));
            }
        }
        String model = queryParam(target, "model");
        byte[] body = new byte[0];
        if (model != null) {
            ObjectNode named = JSON.createObjectNode().put("model", model);
            body = named.toString().getBytes(StandardCharsets.UTF_8);
            headers.set("content-type", "application/json");
        }
        return new GatewayRequest("GET", atRealtimeEndpoint(target, registry), headers, body, hostConsumer);
    }

    /** The subprotocols the client offered, in order. */
    static List<String> subprotocols(Headers headers) {
        List<String> out = new ArrayList<>();
        for (String value : headers.getAll("sec-websocket-protocol")) {
            for (String p : value.split(",")) {
                String s = p.strip();
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Whether a subprotocol carries a credential (never sent on upstream: the credential goes as a header). */
    static boolean carriesCredential(String protocol) {
        return protocol.startsWith(GATEWAY_TOKEN_PROTOCOL) || protocol.startsWith(OPENAI_KEY_PROTOCOL);
    }

    /** A path that ends at an OpenAI-format provider ({@code .../openai}) names its Realtime endpoint. */
    static String atRealtimeEndpoint(String target, ProviderRegistry registry) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        Provider provider = last.isEmpty() ? null : registry.get(last);
        if (provider == null || provider.format() != WireFormat.OPENAI) {
            return target;
        }
        return trimmed + "/" + REALTIME + (q < 0 ? "" : target.substring(q));
    }

    /** The first value of query parameter {@code name}, decoded, or null. */
    static String queryParam(String target, String name) {
        int q = target.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : target.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                String raw = eq < 0 ? "" : pair.substring(eq + 1);
                String v;
                try {
                    v = URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    // A broken %-escape: the model is taken as written, and policy judges that name.
                    v = raw;
                }
                return v.isEmpty() ? null : v;
            }
        }
        return null;
    }
}
