package dev.fairway.apisix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.Fairway;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import dev.fairway.apisix.ApisixDriver.Stopped;
import dev.fairway.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conf tokens over an APISIX lifetime: reloads that keep the shared dict while a new runner starts,
 * and hours of steady traffic from several workers, with APISIX's caches as init.lua keeps them.
 */
class TokenLifecycleTest {
    private static final String BIG_CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "a".repeat(2000) + "\"}]}";

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private Fairway fairway;
    private ApisixRunner runnerA;
    private ApisixRunner runnerB;
    private ApisixDriver apisix;

    @BeforeEach
    void start() {
        fairway = Fairway.builder(ConfigLoader.defaults()).dispatcherEndpoint(true).stage(new ProbeStage()).start();
    }

    @AfterEach
    void stop() {
        if (apisix != null) {
            apisix.close();
        }
        if (runnerB != null) {
            runnerB.close();
        }
        if (runnerA != null) {
            runnerA.close();
        }
        fairway.close();
    }

    private ApisixRunner runner() throws Exception {
        return ApisixRunner.builder(fairway)
                .socket(dir.resolve("apisix-1.sock"))
                .nanoClock(clock::get)
                .configLoader(ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-test")))
                .start();
    }

    private static PluginConf route(String id, String extra) {
        return PluginConf.fairway(id, "{\"name\":\"r" + id + "\",\"providers\":{\"openai\":{\"base_url\":\"http://127.0.0.1:9\","
                + "\"api_key\":\"${env:OPENAI_KEY}\"}}" + extra + "}");
    }

    private static Request bigHit() {
        return Request.of("POST", "/openai/v1/chat/completions", BIG_CHAT.getBytes(StandardCharsets.UTF_8),
                "content-type", "application/json", "x-probe-hit", "1");
    }

    @Test
    void aTokenCachedFromTheOldRunnerNeverSelectsAnotherRoutesConfOnTheNewOne() throws Exception {
        PluginConf open = route("1", "");
        PluginConf strict = route("2", ",\"max_body_bytes\":1024");
        runnerA = runner();
        apisix = new ApisixDriver(runnerA.socket(), clock::get);
        assertThat(apisix.communicate(open, bigHit())).isInstanceOf(Stopped.class)
                .satisfies(o -> assertThat(((Stopped) o).status()).isEqualTo(200));

        // nginx -s reload: new workers over the kept shared dict; the new runner binds the same path
        // while the old one still runs; then a route the new runner has not seen is prepared first.
        apisix.reload();
        runnerB = runner();
        Stopped strictAnswer = (Stopped) apisix.communicate(1, strict, bigHit());
        assertThat(strictAnswer.status()).isEqualTo(413);

        Stopped openAnswer = (Stopped) apisix.communicate(2, open, bigHit());

        assertThat(openAnswer.status()).as("route 1's request under route 1's conf, never route 2's").isEqualTo(200);
        assertThat(apisix.tokenRefreshes.get()).as("the old runner's token met conf token not found").isEqualTo(1);
    }

    @Test
    void steadyTrafficFromSeveralWorkersNeverMeetsConfTokenNotFound() throws Exception {
        runnerA = runner();
        apisix = new ApisixDriver(runnerA.socket(), clock::get);
        PluginConf conf = route("1", "");
        // Two workers, the second only now and then; ten hours in steps of 299 s (prime to APISIX's times).
        for (int step = 0; step < 10 * 3600 / 299; step++) {
            apisix.communicate(0, conf, bigHit());
            if (step % 11 == 10) {
                apisix.communicate(1, conf, bigHit());
            }
            clock.addAndGet(Duration.ofSeconds(299).toNanos());
        }
        // The second worker took the token from the shared dict just before it expired there.
        clock.addAndGet(Duration.ofSeconds(3239).toNanos());
        apisix.communicate(1, conf, bigHit());
        clock.addAndGet(Duration.ofSeconds(3599).toNanos());
        apisix.communicate(1, conf, bigHit());

        assertThat(apisix.tokenRefreshes.get()).isZero();
        assertThat(apisix.prepares.get()).as("PrepareConf keeps coming, about hourly").isGreaterThan(5);
    }
}
