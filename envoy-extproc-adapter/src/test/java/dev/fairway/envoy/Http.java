package dev.fairway.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request and header helpers for the protocol tests. */
final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {}

    /** Request headers as Envoy's HCM hands them to the filter (pseudo-headers first). */
    static HeaderMap request(String method, String path, String... regular) {
        Map<String, String> pseudo = new LinkedHashMap<>();
        pseudo.put(":authority", "gw.example.com");
        pseudo.put(":path", path);
        pseudo.put(":method", method);
        pseudo.put(":scheme", "https");
        List<String[]> rest = new ArrayList<>();
        rest.add(new String[] {"x-forwarded-proto", "https"});
        rest.add(new String[] {"x-request-id", "0d9a0f0e-1111-2222-3333-444455556666"});
        for (int i = 0; i < regular.length; i += 2) {
            rest.add(new String[] {regular[i], regular[i + 1]});
        }
        return EnvoySide.headerMap(pseudo, rest);
    }

    static HeaderMap response(int status, String... regular) {
        List<String[]> rest = new ArrayList<>();
        for (int i = 0; i < regular.length; i += 2) {
            rest.add(new String[] {regular[i], regular[i + 1]});
        }
        return EnvoySide.headerMap(Map.of(":status", Integer.toString(status)), rest);
    }

    static HeaderMap trailers(String... kv) {
        List<String[]> rest = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            rest.add(new String[] {kv[i], kv[i + 1]});
        }
        return EnvoySide.headerMap(Map.of(), rest);
    }

    /** A chat request; a streamed one asks for the usage chunk, which the fake upstream always sends. */
    static String chatBody(boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream
                + (stream ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The value a mutation sets for {@code name}, or null. */
    static String set(HeaderMutation m, String name) {
        for (HeaderValueOption o : m.getSetHeadersList()) {
            if (o.getHeader().getKey().equals(name)) {
                return o.getHeader().getRawValue().toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static Map<String, String> setHeaders(HeaderMutation m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HeaderValueOption o : m.getSetHeadersList()) {
            out.put(o.getHeader().getKey(), o.getHeader().getRawValue().toString(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** The JSON error of a local reply, after checking it is one. */
    static JsonNode jsonError(ImmediateResponse r) throws IOException {
        assertThat(set(r.getHeaders(), "content-type")).isEqualTo("application/json");
        assertThat(set(r.getHeaders(), "cf-aig-log-id")).hasSize(26);
        return JSON.readTree(r.getBody().toByteArray()).get("error");
    }
}
