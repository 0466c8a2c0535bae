package dev.fairway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Gateway;
import dev.fairway.pipeline.GatewayRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every provider, both URL shapes: the golden table routing-table.tsv pins where each request goes. */
class RoutingTableTest {
    private static final GatewayConfig CONFIG = ConfigLoader.withEnv(Map.of()).parse("""
            custom_providers:
              - slug: vllm
                base_url: http://10.1.2.3:8000/v1
                regions: [ch]
            providers:
              workers-ai:
                params: {account_id: cfg-account}
            routes:
              - name: ai
                prefix: /ai
                gateway_id: gw
            """);
    private static final Gateway GATEWAY = new Gateway(CONFIG, ProviderRegistry.withCustom(CONFIG.customProviders()), List.of());

    record Row(String target, String upstream, String model) {}

    static Stream<Row> rows() throws IOException {
        try (InputStream in = RoutingTableTest.class.getResourceAsStream("routing-table.tsv")) {
            List<Row> rows = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                rows.add(new Row(f[0], f[1], f[2].equals("-") ? null : f[2]));
            }
            return rows.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("rows")
    void routes(Row row) {
        Decision d = GATEWAY.decide(GatewayRequest.of("POST", row.target(), Headers.of("content-type", "application/json"),
                "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(d).isInstanceOf(Decision.Forward.class);
        var exchange = ((Decision.Forward) d).exchange();
        assertThat(exchange.upstreamRequest().uri().toString()).isEqualTo(row.upstream());
        assertThat(exchange.target().pathModel()).isEqualTo(row.model());
    }

    @Test
    void everyBuiltInProviderIsCoveredByTheTable() throws IOException {
        Set<String> covered = new HashSet<>();
        rows().forEach(r -> {
            String[] seg = r.target().split("/");
            covered.add(r.target().startsWith("/v1/") ? seg[4] : seg[2]);
        });
        assertThat(covered).containsAll(ProviderRegistry.builtIn().slugs());
    }

    @Test
    void streamingIsReadFromThePathWhereTheApiSaysSo() {
        var d = (Decision.Forward) GATEWAY.decide(GatewayRequest.of("POST",
                "/ai/google-ai-studio/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", new Headers(), "{}".getBytes())).join();
        assertThat(d.exchange().stream()).isTrue();
        assertThat(d.exchange().model()).isEqualTo("gemini-2.5-flash");
    }

    @Test
    void pathValuesCannotChooseAHostOutsideTheProvidersDomain() {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        Provider azure = registry.require("azure-openai");
        assertThatThrownBy(() -> registry.target(azure, "evil.com%2F/dep/chat/completions", null,
                dev.fairway.config.ProviderSettings.none(), Map.of()))
                .isInstanceOf(GatewayError.class);
        assertThatThrownBy(() -> registry.target(azure, "a.b/dep/chat/completions", null,
                dev.fairway.config.ProviderSettings.none(), Map.of()))
                .isInstanceOf(GatewayError.class).hasMessageContaining("{resource}");
    }

    @Test
    void aConfiguredAzureResourceIsNotOverriddenByThePath() {
        // Issue 15, item 13: providers.azure-openai.params.resource pins the resource the gateway's key is for.
        GatewayConfig pinned = ConfigLoader.withEnv(Map.of()).parse("""
                providers:
                  azure-openai: {api_key: azure-key, params: {resource: mine}}
                routes: [{name: ai}]
                """);
        Gateway g = new Gateway(pinned, ProviderRegistry.builtIn(), List.of());
        Decision other = g.decide(GatewayRequest.of("POST", "/azure-openai/someone-else/dep/chat/completions?api-version=2024-10-21",
                Headers.of("content-type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(other).isInstanceOf(Decision.Answer.class);
        assertThat(((Decision.Answer) other).status()).isEqualTo(400);
        assertThat(new String(((Decision.Answer) other).body(), StandardCharsets.UTF_8))
                .contains("\"field\":\"resource\"", "providers.azure-openai.params.resource").doesNotContain("mine");
        var same = (Decision.Forward) g.decide(GatewayRequest.of("POST", "/azure-openai/mine/dep/chat/completions?api-version=2024-10-21",
                Headers.of("content-type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8))).join();
        assertThat(same.exchange().upstreamRequest().uri().getHost()).isEqualTo("mine.openai.azure.com");
    }

    @Test
    void dotSegmentsAreRefused() {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        assertThatThrownBy(() -> registry.target(registry.require("openai"), "v1/../../admin", null,
                dev.fairway.config.ProviderSettings.none(), Map.of()))
                .isInstanceOf(GatewayError.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> registry.target(registry.require("openai"), "v1/%2e%2e/admin", null,
                dev.fairway.config.ProviderSettings.none(), Map.of()))
                .isInstanceOf(GatewayError.class);
    }

    @Test
    void cloudflareShapeSuppliesTheAccountWhenConfigDoesNot() {
        GatewayConfig plain = ConfigLoader.withEnv(Map.of()).parse("routes: [{name: ai, gateway_id: gw}]");
        Gateway g = new Gateway(plain, ProviderRegistry.builtIn(), List.of());
        var d = (Decision.Forward) g.decide(GatewayRequest.of("POST", "/v1/acct123/gw/workers-ai/@cf/meta/m", new Headers(), new byte[0])).join();
        assertThat(d.exchange().upstreamRequest().uri().toString())
                .isEqualTo("https://api.cloudflare.com/client/v4/accounts/acct123/ai/run/@cf/meta/m");
    }

    @Test
    void workersAiWithoutAnAccountSaysWhatIsMissing() {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        assertThatThrownBy(() -> registry.target(registry.require("workers-ai"), "@cf/meta/x", null,
                dev.fairway.config.ProviderSettings.none(), Map.of()))
                .isInstanceOf(GatewayError.class)
                .hasMessageContaining("providers.workers-ai.params.account_id");
    }
}
