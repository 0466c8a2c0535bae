package dev.fairway.bench.load;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where the load goes: a loopback URL and the headers every request carries there (a Portkey
 * gateway needs its routing headers, the others none).
 */
record Target(String name, URI url, List<Map.Entry<String, String>> headers) {
    Target {
        requireNonNull(name, "name");
        requireNonNull(url, "url");
        headers = List.copyOf(headers);
        String host = url.getHost();
        if (!"127.0.0.1".equals(host) && !"localhost".equals(host) && !"[::1]".equals(host)) {
            throw new IllegalArgumentException("--url: " + url + " (expected: a loopback address; the load generator never leaves this machine)");
        }
        if (!"http".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url: " + url + " (expected: http://127.0.0.1:<port>/...)");
        }
    }

    int port() {
        return url.getPort() < 0 ? 80 : url.getPort();
    }

    String pathAndQuery() {
        return url.getRawQuery() == null ? url.getRawPath() : url.getRawPath() + "?" + url.getRawQuery();
    }
}
