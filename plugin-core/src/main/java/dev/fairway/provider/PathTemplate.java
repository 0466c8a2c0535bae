package dev.fairway.provider;

import dev.fairway.error.GatewayError;
import dev.fairway.error.ErrorType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Binds {@code {name}} placeholders from leading path segments and fills them into base URLs.
 * Values land in host names, so they are held to DNS-label syntax: a request path can choose which
 * Azure resource to call, never which host outside the provider's domain.
 */
final class PathTemplate {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PATH_VALUE = Pattern.compile("[A-Za-z0-9._~:@!$'()*+,;=-]+");

    private PathTemplate() {}

    /** Binds the template against the first segments; returns how many segments it used. */
    static int bind(Provider provider, List<String> segments, Map<String, String> into) {
        String template = provider.pathTemplate();
        if (template == null) {
            return 0;
        }
        String[] parts = template.split("/");
        if (segments.size() < parts.length) {
            throw shape(provider);
        }
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            String seg = segments.get(i);
            if (part.startsWith("{") && part.endsWith("}")) {
                if (!PATH_VALUE.matcher(seg).matches()) {
                    throw shape(provider);
                }
                into.put(part.substring(1, part.length() - 1), seg);
            } else if (!part.equals(seg)) {
                throw shape(provider);
            }
        }
        return parts.length;
    }

    /** Replaces each {@code {name}} in {@code url}; values in the authority must be DNS labels. */
    static String fill(Provider provider, String url, Map<String, String> vars) {
        if (url.indexOf('{') < 0) {
            return url;
        }
        int authorityEnd = url.indexOf('/', url.indexOf("//") + 2);
        StringBuilder out = new StringBuilder(url.length() + 32);
        int i = 0;
        while (i < url.length()) {
            char c = url.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int end = url.indexOf('}', i);
            String name = url.substring(i + 1, end);
            String value = vars.get(name);
            if (value == null) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST,
                        "provider %s needs a value for {%s}: set providers.%s.params.%s in config%s",
                        provider.slug(), name, provider.slug(), name,
                        provider.pathTemplate() == null ? "" : " or use /" + provider.slug() + "/" + provider.pathTemplate() + "/...")
                        .with("field", name);
            }
            boolean inAuthority = authorityEnd < 0 || i < authorityEnd;
            if (inAuthority ? !LABEL.matcher(value).matches() : !PATH_VALUE.matcher(value).matches()) {
                throw GatewayError.of(ErrorType.INVALID_REQUEST, "{%s}: %s is not a valid value here", name, value).with("field", name);
            }
            out.append(value);
            i = end + 1;
        }
        return out.toString();
    }

    static List<String> placeholders(String url) {
        List<String> names = new ArrayList<>();
        int i = url.indexOf('{');
        while (i >= 0) {
            int end = url.indexOf('}', i);
            names.add(url.substring(i + 1, end));
            i = url.indexOf('{', end);
        }
        return names;
    }

    static Map<String, String> merge(Map<String, String> first, Map<String, String> second) {
        Map<String, String> m = new HashMap<>(second);
        m.putAll(first);
        return m;
    }

    private static GatewayError shape(Provider provider) {
        return GatewayError.of(ErrorType.INVALID_REQUEST, "path for %s must start with /%s/%s/",
                provider.slug(), provider.slug(), provider.pathTemplate()).with("field", "path");
    }
}
