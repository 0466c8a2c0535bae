package dev.fairway.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.headers.CustomCost;
import dev.fairway.pipeline.Usage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private final PriceTable shipped = PriceTable.shippedOnly();

    @Test
    void everyShippedRowSaysWhenItWasChecked() {
        assertThat(PriceTable.shipped()).isNotEmpty().allSatisfy((model, price) -> {
            assertThat(price.checked()).as(model).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(price.inputPerMillion()).as(model).isNotNull();
            assertThat(price.outputPerMillion()).as(model).isNotNull();
        });
    }

    @Test
    void cachedInputIsChargedAtTheCachedPrice() {
        // gpt-4o: 2.50 in, 1.25 cached, 10.00 out per million.
        Double cost = shipped.cost("openai", "gpt-4o", new Usage(2006, 300, 1920), null);
        assertThat(cost).isCloseTo((86 * 2.50 + 1920 * 1.25 + 300 * 10.00) / 1e6, within(1e-12));
    }

    @Test
    void datedSnapshotsUseTheirFamilysPrice() {
        assertThat(shipped.find("openai", "gpt-4o-mini-2024-07-18")).isSameAs(shipped.find("openai", "gpt-4o-mini"));
        assertThat(shipped.find("openai", "gpt-4o-2024-08-06")).isSameAs(shipped.find("openai", "gpt-4o"));
        assertThat(shipped.find("anthropic", "claude-sonnet-4-5-20250929")).isSameAs(shipped.find("anthropic", "claude-sonnet-4-5"));
        assertThat(shipped.find("anthropic", "claude-sonnet-4-20250514").inputPerMillion()).isEqualTo(3.00);
        assertThat(shipped.find("mistral", "mistral-large-latest").outputPerMillion()).isEqualTo(6.00);
    }

    @Test
    void vendorAndRouterPrefixesAreLookedThrough() {
        assertThat(shipped.find("aws-bedrock", "us.anthropic.claude-3-5-haiku-20241022-v1:0").inputPerMillion()).isEqualTo(0.80);
        assertThat(shipped.find("openrouter", "openai/gpt-4.1-mini").inputPerMillion()).isEqualTo(0.40);
        assertThat(shipped.find("google-ai-studio", "models/gemini-2.0-flash").outputPerMillion()).isEqualTo(0.40);
    }

    @Test
    void providerQualifiedRowsWinAndUnknownModelsHaveNoPrice() {
        assertThat(shipped.find("groq", "llama-3.3-70b-versatile").inputPerMillion()).isEqualTo(0.59);
        assertThat(shipped.find("ollama", "llama-3.3-70b-versatile")).isNull();
        assertThat(shipped.cost("openai", "my-finetune", new Usage(10, 10, 0), null)).isNull();
        assertThat(shipped.cost("openai", "gpt-4o", null, null)).isNull();
    }

    @Test
    void customCostHeaderOverridesThePriceTable() {
        Usage usage = new Usage(1000, 500, 900);
        assertThat(shipped.cost("openai", "gpt-4o", usage, new CustomCost(0.000002, 0.00001, null)))
                .isCloseTo(1000 * 0.000002 + 500 * 0.00001, within(1e-12));
        assertThat(shipped.cost("openai", "gpt-4o", null, new CustomCost(null, null, 0.25))).isEqualTo(0.25);
        assertThat(shipped.cost("openai", "unknown", usage, new CustomCost(null, null, 0.0))).isEqualTo(0.0);
    }

    @Test
    void configuredPricesOverrideAndCanReplaceTheShippedTable() {
        var config = ConfigLoader.withEnv(Map.of()).parse("""
                pricing:
                  models:
                    gpt-4o: {input_per_million: 1, output_per_million: 2}
                    vllm/qwen2.5: {input_per_million: 0.1, output_per_million: 0.1, cached_input_per_million: 0}
                """);
        PriceTable table = PriceTable.of(config.pricing());
        assertThat(table.cost("openai", "gpt-4o", new Usage(1_000_000, 1_000_000, 500_000), null)).isCloseTo(3.0, within(1e-9));
        assertThat(table.cost("vllm", "qwen2.5-7b", new Usage(1_000_000, 0, 1_000_000), null)).isCloseTo(0.0, within(1e-9));
        assertThat(table.find("anthropic", "claude-3-haiku")).isNotNull();

        var only = ConfigLoader.withEnv(Map.of()).parse("""
                pricing: {replace_shipped: true, models: {gpt-4o: {input_per_million: 1, output_per_million: 2}}}
                """);
        assertThat(PriceTable.of(only.pricing()).find("anthropic", "claude-3-haiku")).isNull();
    }

    @Test
    void badPricesAreRejectedNamingTheField() {
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parse("""
                pricing: {models: {gpt-4o: {input_per_million: -1}}}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pricing.models.gpt-4o.input_per_million: -1.0 (expected: >= 0)")
                .hasMessageContaining("pricing.models.gpt-4o.output_per_million: null (expected: >= 0)");
    }
}
