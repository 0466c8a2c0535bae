package dev.fairway.server;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.ListenerLimits;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps hostile or broken clients from holding the gateway's connections: a request head must
 * arrive within {@code header_timeout_ms} of the connection opening (then {@code idle_timeout_ms}
 * after each answer), a body may not pause longer than {@code body_timeout_ms}, and one address
 * holds at most {@code max_connections_per_address}. While a request is being answered no timer
 * runs: the upstream's own timeouts govern that time, streams included.
 *
 * <p>Both maps shrink as connections close: one entry per open connection, one per address with
 * an open connection, so their size is bounded by the connections the host accepts.
 */
final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

    private final Vertx vertx;
    private final ListenerLimits limits;
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Map<HttpConnection, Conn> open = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, ListenerLimits limits) {
        this.vertx = requireNonNull(vertx, "vertx");
        this.limits = requireNonNull(limits, "limits");
    }

    /** A new client connection: counted, and given until {@code header_timeout_ms} to send a request head. */
    void accept(HttpConnection connection) {
        String address = connection.remoteAddress() == null ? "unknown" : connection.remoteAddress().hostAddress();
        int cap = limits.maxConnectionsPerAddress();
        if (cap > 0 && perAddress.merge(address, 1, Integer::sum) > cap) {
            release(address);
            LOG.debug("connection from {} closed: {} connections from that address already (server.limits.max_connections_per_address)",
                    address, cap);
            connection.close();
            return;
        }
        Conn conn = new Conn(connection, address);
        open.put(connection, conn);
        connection.closeHandler(v -> {
            open.remove(connection);
            conn.disarm();
            if (cap > 0) {
                release(address);
            }
        });
        conn.arm(limits.headerTimeoutMs(), "no complete request head");
    }

    /** A request head arrived: no connection timer runs until its answer has ended. */
    void requestStarted(HttpServerRequest request, AnswerEnd answerEnd) {
        Conn conn = open.get(request.connection());
        if (conn == null) {
            return;
        }
        conn.disarm();
        conn.inFlight++;
        answerEnd.then(() -> {
            if (--conn.inFlight == 0) {
                conn.arm(limits.idleTimeoutMs(), "idle");
            }
        });
    }

    /**
     * Watches a body being read: when no byte has arrived for {@code body_timeout_ms}, answers 408
     * and closes the connection (the rest of the body will never be read). The watch ends when the
     * read does: left to its next tick, every answered request stayed reachable from the timer for up
     * to a quarter of the body timeout, which at a few thousand requests a second fills a small heap.
     *
     * @return the periodic timer's id
     */
    long watchBody(HttpServerRequest request, Future<?> read, Runnable onTimeout) {
        long timeoutNanos = limits.bodyTimeoutMs() * 1_000_000L;
        long period = Math.max(10, limits.bodyTimeoutMs() / 4);
        long[] last = {request.bytesRead(), System.nanoTime()};
        long timer = vertx.setPeriodic(period, id -> {
            if (read.isComplete()) {
                vertx.cancelTimer(id);
                return;
            }
            long now = System.nanoTime();
            long bytes = request.bytesRead();
            if (bytes != last[0]) {
                last[0] = bytes;
                last[1] = now;
            } else if (now - last[1] >= timeoutNanos) {
                vertx.cancelTimer(id);
                LOG.debug("request body from {} stalled for {} ms; answered 408", request.remoteAddress(), limits.bodyTimeoutMs());
                onTimeout.run();
            }
        });
        read.onComplete(done -> vertx.cancelTimer(timer));
        return timer;
    }

    static GatewayError bodyTimeout(long ms) {
        return GatewayError.of(ErrorType.REQUEST_TIMEOUT, "request body: no data for %d ms (expected: the body sent without pausing that long)", ms)
                .with("timeout_ms", ms);
    }

    private void release(String address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private final class Conn {
        private final HttpConnection connection;
        private final String address;
        private long timer = -1;
        private int inFlight;

        Conn(HttpConnection connection, String address) {
            this.connection = connection;
            this.address = address;
        }

        void arm(long ms, String why) {
            disarm();
            timer = vertx.setTimer(ms, id -> {
                timer = -1;
                if (inFlight == 0) {
                    LOG.debug("connection from {} closed after {} ms: {}", address, ms, why);
                    connection.close();
                }
            });
        }

        void disarm() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
