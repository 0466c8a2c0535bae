package dev.fairway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ListenerLimits;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConnectionGuardTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** A request whose body was read must not stay reachable from the body watch's timer. */
    @Test
    void theBodyWatchEndsWhenTheReadDoes() throws Exception {
        ConnectionGuard guard = new ConnectionGuard(vertx, ListenerLimits.defaults());
        HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, (proxy, method, args) -> method.getName().equals("bytesRead") ? 0L : null);
        Promise<Void> read = Promise.promise();
        long timer = guard.watchBody(request, read.future(), () -> {});
        read.complete();
        assertThat(vertx.cancelTimer(timer)).as("the periodic watch is still scheduled after the body was read").isFalse();
    }
}
