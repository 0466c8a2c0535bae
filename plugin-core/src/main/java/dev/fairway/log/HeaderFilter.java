package dev.fairway.log;

import dev.fairway.http.Headers;
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
    private static final List<String> SECRET_WORDS = List.of("auth", "token", "secret", "password", "passwd",
            "api-key", "apikey", "api_key", "session", "credential", "signature", "cookie");

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
}
