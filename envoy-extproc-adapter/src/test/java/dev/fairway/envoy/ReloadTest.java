package dev.fairway.envoy;

import static dev.fairway.envoy.Http.chatBody;
import static dev.fairway.envoy.Http.request;
import static dev.fairway.envoy.Http.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A reloaded process config (SIGHUP, a changed file) serves new ext_proc streams with its routes. */
class ReloadTest {
    private Fixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = Fixture.start();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aRouteAddedByAReloadServesNewStreams() throws Exception {
        assertThat(statusOn("late", "/late/fake/v1/chat/completions")).isEqualTo(500); // not a route of the service yet

        String withLate = Fixture.CONFIG.replace("routes:\n  - {name: ai,",
                "routes:\n  - {name: late, prefix: /late, policy: {denied_providers: [fake]}}\n  - {name: ai,");
        assertThat(withLate).contains("name: late");
        ExtProcConfig next = ExtProcConfig.parse(withLate.formatted(fx.upstream.port(), 10_000, "reject"),
                ConfigLoader.withEnv(Map.of("FAKE_KEY", Fixture.GATEWAY_KEY)));
        fx.fairway.reload(next.gateway());

        // The new route is served, with its own policy: the reloaded configuration decided it.
        assertThat(statusOn("late", "/late/fake/v1/chat/completions")).isEqualTo(403);
    }

    private int statusOn(String route, String path) throws Exception {
        EnvoySide.Stream s = fx.envoy.open(route);
        s.requestHeaders(request("POST", path, "content-type", "application/json"), false);
        ProcessingResponse first = s.reply();
        if (first.hasImmediateResponse()) {
            return first.getImmediateResponse().getStatus().getCodeValue();
        }
        s.requestBody(utf8(chatBody(false)), true);
        return s.reply().getImmediateResponse().getStatus().getCodeValue();
    }
}
