package dev.fairway.apisix;

import dev.fairway.apisix.protocol.TextEntry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What nginx does after a {@code Rewrite}: proxies the request, with the rewritten headers set, to
 * the route's upstream, here the Fairway dispatcher on loopback.
 */
final class Forwarder {
    // Headers the JDK client sets itself; nginx would send its own values for them too.
    private static final Set<String> OWN = Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int upstreamPort;

    Forwarder(int upstreamPort) {
        this.upstreamPort = upstreamPort;
    }

    HttpResponse<InputStream> send(ApisixDriver.Request request, ApisixDriver.Rewritten rewrite) throws IOException, InterruptedException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (TextEntry h : request.headers()) {
            headers.merge(h.name(), h.value(), (a, b) -> a + ", " + b);
        }
        for (TextEntry h : rewrite.headers()) {
            if (h.value() == null) {
                headers.remove(h.name());
            } else {
                headers.put(h.name(), h.value());
            }
        }
        String path = rewrite.path() != null ? rewrite.path() : request.uri();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstreamPort + path))
                .method(request.method(), request.body() == null || request.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        headers.forEach((n, v) -> {
            if (!OWN.contains(n)) {
                b.header(n, v);
            }
        });
        return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
