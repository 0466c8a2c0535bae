package dev.fairway.body;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.provider.ProviderRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one rule for large bodies: a decision whose body is over Offload.BYTES is made off the calling thread. */
class OffloadTest {
    private final AtomicReference<Thread> stageOn = new AtomicReference<>();

    private Gateway gateway() {
        GatewayConfig c = ConfigLoader.withEnv(Map.of()).parse("{}");
        Stage probe = new Stage() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public Step open(Exchange exchange) {
                stageOn.set(Thread.currentThread());
                return Step.NONE;
            }
        };
        return new Gateway(c, ProviderRegistry.builtIn(), List.of(probe));
    }

    private Decision decide(int contentBytes) {
        String body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(contentBytes) + "\"}]}";
        return gateway().decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", new Headers(),
                body.getBytes(StandardCharsets.UTF_8))).join();
    }

    @Test
    void aBodyOverTheThresholdIsDecidedOnAWorkerThread() {
        Decision d = decide(Offload.BYTES + 1);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        assertThat(((Decision.Forward) d).exchange().body().parses()).isEqualTo(1);
        assertThat(stageOn.get()).isNotSameAs(Thread.currentThread());
        assertThat(stageOn.get().isVirtual()).isTrue();
        assertThat(stageOn.get().getName()).isEqualTo("fairway-large-body");
    }

    @Test
    void aBodyAtOrUnderTheThresholdIsDecidedWhereItArrives() {
        Decision d = decide(Offload.BYTES - 200);
        assertThat(d).isInstanceOf(Decision.Forward.class);
        assertThat(stageOn.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void workOnlyLeavesTheThreadAboveTheThreshold() {
        Thread caller = Thread.currentThread();
        assertThat(Offload.bySize(Offload.BYTES, () -> java.util.concurrent.CompletableFuture.completedFuture(Thread.currentThread())).join())
                .isSameAs(caller);
        assertThat(Offload.bySize(Offload.BYTES + 1, () -> java.util.concurrent.CompletableFuture.completedFuture(Thread.currentThread())).join())
                .isNotSameAs(caller);
    }
}
