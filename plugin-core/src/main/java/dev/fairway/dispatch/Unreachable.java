package dev.fairway.dispatch;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * The answer when a provider cannot be reached. The cause is named by a stable kind a client can
 * branch on ({@code connection_refused}, {@code dns}, {@code tls}, ...), never by a Java class name:
 * those describe the gateway's insides, not the failure, and change with library versions.
 */
final class Unreachable {
    private Unreachable() {}

    static GatewayError error(Throwable cause) {
        String kind = kind(cause);
        return GatewayError.of(ErrorType.UPSTREAM_UNAVAILABLE, "the provider could not be reached (%s)", kind.replace('_', ' '))
                .with("cause", kind);
    }

    static String kind(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "dns";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "connection_refused";
            }
            if (t instanceof SSLException) {
                return "tls";
            }
            if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "connect_timeout";
            }
            if (t instanceof ClosedChannelException || t instanceof io.vertx.core.http.HttpClosedException) {
                return "connection_closed";
            }
        }
        return "connection_failed";
    }
}
