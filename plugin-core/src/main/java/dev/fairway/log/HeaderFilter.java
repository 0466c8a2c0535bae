package dev.fairway.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.body.RequestBody;
import dev.fairway.http.Headers;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which request headers a record may show. Credentials never: the provider key headers, the
 * gateway token, cookies, the dispatcher ticket, anything whose name says it is a secret, and the
 * route's own list.
 */
final class HeaderFilter {
    private static final Set<String> ALWAYS = Set.of("authorization", "proxy-authorization", "x-api-key", "api-key",
            "x-goog-api-key", "cf-aig-authorization", "cookie", "set-cookie", "x-amz-security-token", "x-fairway-ticket");
    // "key" catches every vendor's variant (ocp-apim-subscription-key, x-functions-key, x-custom-key),
    // at the price of leaving out harmless ones such as cf-aig-cache-key: a record may show less, never a secret.
    private static final List<String> SECRET_WORDS = List.of("auth", "token", "secret", "password", "passwd",
            "key", "session", "credential", "signature", "cookie");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HeaderFilter() {}

    static boolean loggable(String lowerName, Set<String> removed) {
        if (ALWAYS.contains(lowerName) || removed.contains(lowerName)) {
            return false;
        }
        for (String word : SECRET_WORDS) {
            if (lowerName.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /** The loggable headers, repeated fields joined with ", ". */
    static Map<String, String> loggable(Headers headers, Set<String> removed) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (loggable(name, removed)) {
                out.merge(name, headers.value(i), (a, b) -> a + ", " + b);
            }
        }
        return out;
    }

    /**
     * A Universal request body as a record may show it: every step's {@code headers} keep only the
     * loggable names, since steps carry their own provider credentials there. Null when the body is
     * not the JSON array it was when planned (then the record leaves the body out rather than risk it).
     */
    static byte[] withLoggableStepHeaders(byte[] body, Set<String> removed) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
        return stepHeadersFiltered(root, removed);
    }

    /** As {@link #withLoggableStepHeaders(byte[], Set)}, from the request's parsed body (a copy of it is changed). */
    static byte[] withLoggableStepHeaders(RequestBody body, Set<String> removed) {
        JsonNode root;
        try {
            root = body.node();
        } catch (RuntimeException e) {
            // Not JSON after all: nothing of it is logged rather than credentials.
            return null;
        }
        return root == null ? null : stepHeadersFiltered(root.deepCopy(), removed);
    }

    private static byte[] stepHeadersFiltered(JsonNode root, Set<String> removed) {
        if (root == null || !(root.isArray() || root.isObject())) {
            return null;
        }
        Iterable<JsonNode> steps = root.isArray() ? root : java.util.List.of(root);
        for (JsonNode step : steps) {
            if (step.get("headers") instanceof ObjectNode h) {
                for (Iterator<String> names = h.fieldNames(); names.hasNext(); ) {
                    if (!loggable(names.next().toLowerCase(java.util.Locale.ROOT), removed)) {
                        names.remove();
                    }
                }
            }
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (IOException e) {
            return null;
        }
    }
}
