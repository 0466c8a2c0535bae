package dev.fairway.kong.pdk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request as an nginx worker holds it while Kong runs a plugin on it: what the client sent,
 * and what the plugin changed through the PDK (the upstream target, the response it ended with).
 */
public final class KongRequest {
    public String method = "GET";
    public String path = "/";
    public String query = "";
    /** As nginx's {@code $request} ends: 1.1, 2.0, 3.0. */
    public String httpVersion = "1.1";
    public final Map<String, List<String>> headers = new LinkedHashMap<>();
    public byte[] body = new byte[0];
    public Map<String, Object> consumer;
    /** nginx's client_body_buffer_size (Kong's default 8k): a larger body is spilled to a temporary file. */
    public int clientBodyBufferSize = 8192;
    public String serialized = "{}";
    public final Map<String, Object> ctxShared = new LinkedHashMap<>();
    public final Map<String, String> vars = new LinkedHashMap<>();

    // What the plugin did.
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final List<String> stepMethods = Collections.synchronizedList(new ArrayList<>());
    public Integer exitStatus;
    public byte[] exitBody;
    public Map<String, Object> exitHeaders;
    public String targetHost;
    public Long targetPort;
    public String scheme;
    public String upstreamPath;
    public final Map<String, String> upstreamHeaders = new LinkedHashMap<>();
    public byte[] upstreamBody;

    public KongRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(), k -> new ArrayList<>()).add(value);
        return this;
    }

    public KongRequest body(String json) {
        body = json.getBytes(StandardCharsets.UTF_8);
        headers.put("content-length", new ArrayList<>(List.of(String.valueOf(body.length))));
        return this;
    }

    public static KongRequest post(String path) {
        KongRequest r = new KongRequest();
        r.method = "POST";
        r.path = path;
        return r;
    }

    boolean spilled() {
        return body.length > clientBodyBufferSize;
    }

    public String exitText() {
        return exitBody == null ? null : new String(exitBody, StandardCharsets.UTF_8);
    }

    public boolean forwarded() {
        return targetHost != null;
    }
}
