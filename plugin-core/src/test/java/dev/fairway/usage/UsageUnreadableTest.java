package dev.fairway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.cost.PriceTable;
import dev.fairway.http.Headers;
import dev.fairway.metrics.MetricsRegistry;
import dev.fairway.metrics.RequestMetrics;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.provider.ProviderRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A successful JSON answer whose usage cannot be read (not valid JSON) is not charged to token or
 * cost quotas: that must not pass silently. It is counted by route and provider and logged with
 * the request's log id, never with the body or a credential.
 */
class UsageUnreadableTest {
    private static final String SECRET_IN_BODY = "sk-body-secret-0000";
    private static final String BROKEN = "{\"id\":\"" + SECRET_IN_BODY + "\",\"usage\":{\"prompt_tokens\":5,,}";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(UsageMetering.class);
    private UsageMetering metering;
    private Gateway gateway;

    @BeforeEach
    void start() {
        logs.start();
        logger.addAppender(logs);
        GatewayConfig config = ConfigLoader.withEnv(Map.of()).parse("""
                providers:
                  openai: {api_key: sk-gateway-key}
                routes: [{name: chat}]
                """);
        metering = new UsageMetering(PriceTable.of(config.pricing()));
        gateway = new Gateway(config, ProviderRegistry.withCustom(config.customProviders()), List.of(metering));
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logs);
    }

    private Exchange exchange() {
        Decision d = gateway.decide(GatewayRequest.of("POST", "/openai/v1/chat/completions", Headers.of("content-type", "application/json"),
                "{\"model\":\"gpt-4o-mini\",\"messages\":[]}".getBytes(StandardCharsets.UTF_8))).join();
        return ((Decision.Forward) d).exchange();
    }

    private static void answer(Exchange e, int status, String contentType, String body, boolean clean) {
        UpstreamObserver o = e.upstreamObserver(e.plan().first(), e.upstreamRequest());
        o.onHeaders(status, Headers.of("content-type", contentType));
        o.onChunk(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
        o.onEnd(clean);
    }

    private List<ILoggingEvent> warnings() {
        return logs.list.stream().filter(ev -> ev.getLevel() == Level.WARN).toList();
    }

    @Test
    void anUnreadableJsonAnswerIsCountedAndLoggedWithTheLogId() {
        Exchange e = exchange();
        answer(e, 200, "application/json", BROKEN, true);

        // What came before the fault is kept (5 input tokens); the rest is unknown.
        assertThat(e.metered().usage().outputTokens()).isZero();
        assertThat(metering.unreadable().count("chat", "openai")).isEqualTo(1);
        assertThat(warnings()).hasSize(1);
        String line = warnings().get(0).getFormattedMessage();
        assertThat(line).contains(e.logId(), "openai", "chat", "not valid JSON");
        assertThat(line).doesNotContain(SECRET_IN_BODY, "sk-gateway-key", "prompt_tokens");
    }

    @Test
    void theCountIsOnTheMetricsPage() {
        MetricsRegistry registry = new MetricsRegistry(new RequestMetrics());
        registry.counter(metering.unreadable());
        answer(exchange(), 200, "application/json; charset=utf-8", BROKEN, true);
        answer(exchange(), 200, "application/json", BROKEN, true);
        assertThat(registry.scrape()).contains("# TYPE fairway_usage_unreadable_total counter\n",
                "fairway_usage_unreadable_total{provider=\"openai\",route=\"chat\"} 2.0\n");
    }

    @Test
    void readableOrNotJsonOrCutOrFailedAnswersAreNotCounted() {
        answer(exchange(), 200, "application/json", "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}", true);
        answer(exchange(), 200, "application/json", "{\"choices\":[]}", true); // valid, merely without usage
        answer(exchange(), 200, "application/json", "{\"usage\":{\"prompt_tok", false); // cut: incomplete by nature
        answer(exchange(), 500, "application/json", "upstream exploded", true); // errors carry no usage
        answer(exchange(), 200, "audio/mpeg", "ID3\u0004binary", true); // not JSON at all
        answer(exchange(), 200, "text/event-stream", "data: [DONE]\n\n", true);
        assertThat(metering.unreadable().count("chat", "openai")).isZero();
        assertThat(warnings()).isEmpty();
    }
}
