package dev.fairway.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;

/** What an upstream base URL must look like. */
public final class UrlRules {
    private UrlRules() {}

    /**
     * Why {@code url} cannot be an upstream base URL, or null when it can. Plain http is allowed for
     * loopback and private addresses only: that is where self-hosted models (vLLM, Ollama) and test
     * doubles live, and nothing else should see provider keys in clear text.
     */
    public static String upstreamProblem(String url) {
        URI uri;
        try {
            // Placeholders such as {deployment} are filled per request; check the URL around them.
            uri = new URI(url.replaceAll("\\{[A-Za-z_][A-Za-z0-9_]*}", "p"));
        } catch (URISyntaxException e) {
            return "not a URL (" + e.getReason() + ")";
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return "not an absolute https URL";
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            return "must not have a query or fragment";
        }
        if ("https".equals(uri.getScheme())) {
            return null;
        }
        if ("http".equals(uri.getScheme())) {
            return isLocal(uri.getHost()) ? null : "not an absolute https URL (http is accepted for loopback and private hosts only)";
        }
        return "not an absolute https URL";
    }

    static boolean isLocal(String host) {
        if (host.equals("localhost") || host.endsWith(".local") || host.endsWith(".internal") || !host.contains(".")) {
            return true;
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!bare.chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':' || Character.isLetter(c)) || !looksNumeric(bare)) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(bare); // numeric: parsed, never resolved
            return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean looksNumeric(String host) {
        return host.contains(":") || host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    }
}
