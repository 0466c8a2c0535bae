package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.Usage;
import dev.fairway.provider.ProviderRegistry;
import dev.fairway.quota.QuotaBackend;
import dev.fairway.quota.QuotaStage;
import dev.fairway.usage.UsageMetering;
import io.github.bucket4j.TimeMeter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * A host that relays the provider's answer itself (Envoy's direct mode, through {@link HostRelay})
 * needs no dispatcher for usage and cost: the metering step reads the raw answer, the completion
 * carries what it read, and a token quota is charged with it. Metering once belonged to the
 * dispatcher, and a host relay whose dispatcher had none recorded neither usage nor cost.
 */
class HostRelayMeteringTest {
    private static final String CONFIG = """
            providers:
              openai: {api_key: sk-gateway-key}
            pricing:
              models:
                openai/gpt-4o-mini: {input_per_million: 1, output_per_million: 2}
            routes:
              - name: metered
                quotas: [{name: tokens, key: [route], unit: total_tokens, limit: 10, window: 1h}]
            """;
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"hello\"}}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}";

    private final List<Completion> completed = new CopyOnWriteArrayList<>();
    private final Gateway gateway;

    HostRelayMeteringTest() {
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse(CONFIG);
        Stage recorder = new Stage() {
            @Override
            public String name() {
                return "recorder";
            }

            @Override
            public Step open(Exchange exchange) {
                return new Step() {
                    @Override
                    public void afterCompletion(Completion completion) {
                        completed.add(completion);
                    }
                };
            }
        };
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(
                QuotaStage.withBackend(QuotaBackend.inMemory(TimeMeter.SYSTEM_MILLISECONDS)),
                new UsageMetering(PriceTable.of(config.pricing())),
                recorder));
    }

    private Decision decide() {
        return gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions",
                Headers.of("content-type", "application/json"), CHAT.getBytes(StandardCharsets.UTF_8))).join();
    }

    private Completion relay(String answer) {
        Exchange exchange = ((Decision.Forward) decide()).exchange();
        HostRelay relay = HostRelay.open(exchange, true);
        relay.head(200, Headers.of("content-type", "application/json"));
        byte[] body = answer.getBytes(StandardCharsets.UTF_8);
        relay.chunk(ByteBuffer.wrap(body, 0, 20));
        relay.chunk(ByteBuffer.wrap(body, 20, body.length - 20));
        relay.end();
        assertThat(completed).isNotEmpty();
        return completed.get(completed.size() - 1);
    }

    @Test
    void aHostRelayWithoutTheDispatcherRecordsUsageAndCost() {
        Completion c = relay(ANSWER);
        assertThat(c.usage()).isEqualTo(new Usage(5, 3, 0));
        assertThat(c.costUsd()).isCloseTo(5 * 1e-6 + 3 * 2e-6, Offset.offset(1e-12));
    }

    @Test
    void aHostRelayWithoutTheDispatcherChargesTheTokenQuota() {
        relay(ANSWER);
        relay(ANSWER);
        // 8 + 8 tokens of a 10-token quota: the third request finds none left.
        Decision third = decide();
        assertThat(third).isInstanceOf(Decision.Answer.class);
        assertThat(((Decision.Answer) third).status()).isEqualTo(429);
    }

    @Test
    void anUnansweredExchangeCarriesNoUsage() {
        Exchange exchange = ((Decision.Forward) decide()).exchange();
        HostRelay.open(exchange, true).cut("client_closed");
        Completion c = completed.get(completed.size() - 1);
        assertThat(c.status()).isEqualTo(499);
        assertThat(c.usage()).isNull();
        assertThat(c.costUsd()).isNull();
        assertThat(exchange.metered().known()).isFalse();
    }
}
