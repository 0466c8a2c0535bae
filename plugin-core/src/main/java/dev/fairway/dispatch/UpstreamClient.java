package dev.fairway.dispatch;

import dev.fairway.config.DispatchSettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.net.URI;
import java.util.List;

/**
 * The pooled connections to providers. TLS upstreams negotiate HTTP/2 by ALPN and fall back to
 * HTTP/1.1; plain-HTTP upstreams (self-hosted models, test doubles) use HTTP/1.1, since h2c
 * prior knowledge would break servers that do not speak it.
 */
final class UpstreamClient implements AutoCloseable {
    private final HttpClient tls;
    private final HttpClient plain;

    UpstreamClient(Vertx vertx, DispatchSettings settings) {
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(settings.maxConnectionsPerHost())
                .setHttp2MaxSize(Math.max(1, settings.maxConnectionsPerHost() / 32));
        HttpClientOptions common = new HttpClientOptions()
                .setConnectTimeout(settings.connectTimeoutMs())
                .setKeepAlive(true)
                .setKeepAliveTimeout(settings.idleTimeoutSeconds())
                .setHttp2KeepAliveTimeout(settings.idleTimeoutSeconds())
                .setTcpNoDelay(true)
                .setDecompressionSupported(false);
        tls = vertx.createHttpClient(new HttpClientOptions(common)
                .setSsl(true)
                .setUseAlpn(true)
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)), pool);
        plain = vertx.createHttpClient(new HttpClientOptions(common).setProtocolVersion(HttpVersion.HTTP_1_1), pool);
    }

    HttpClient forUri(URI uri) {
        return "https".equals(uri.getScheme()) ? tls : plain;
    }

    @Override
    public void close() {
        tls.close();
        plain.close();
    }
}
