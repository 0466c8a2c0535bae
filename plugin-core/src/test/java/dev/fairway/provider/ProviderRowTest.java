package dev.fairway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provider facts code asks for are fields of the rows, bound with their types. */
class ProviderRowTest {
    private static List<ProviderRow> read(String json) throws IOException {
        return ProviderRow.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void factsComeFromTheRows() {
        ProviderRegistry registry = ProviderRegistry.builtIn();
        assertThat(registry.require("aws-bedrock").sigv4Service()).isEqualTo("bedrock");
        assertThat(registry.require("openai").sigv4Service()).isNull();
        assertThat(registry.require("groq").acceptsStreamOptions()).isTrue();
        assertThat(registry.require("mistral").acceptsStreamOptions()).isFalse();
        assertThat(registry.forAuthor("@cf")).isSameAs(registry.require("workers-ai"));
        assertThat(registry.forAuthor("google")).isSameAs(registry.require("google-ai-studio"));
        assertThat(registry.forAuthor("anthropic")).isSameAs(registry.require("anthropic"));
        assertThat(registry.forAuthor("nobody")).isNull();
        assertThat(registry.require("workers-ai").modelKeepsAuthor()).isTrue();
        assertThat(registry.require("openai").modelKeepsAuthor()).isFalse();
    }

    @Test
    void rowsAreBoundWithTheirTypes() throws IOException {
        ProviderRow row = read("[{\"slug\": \"x\", \"base_url\": \"https://x\", \"auth\": \"x-api-key\", \"format\": \"anthropic\"}]").get(0);
        assertThat(row.auth()).isEqualTo(AuthStyle.X_API_KEY);
        assertThat(row.format()).isEqualTo(WireFormat.ANTHROPIC);
        assertThat(row.provider().acceptsStreamOptions()).isFalse();
    }

    @Test
    void aMistypedRowFailsInsteadOfBeingIgnored() {
        assertThatThrownBy(() -> read("[{\"slug\": \"x\", \"base_url\": \"https://x\", \"auth\": \"bearer\", \"format\": \"openai\", \"accepts_stream_option\": true}]"))
                .hasMessageContaining("accepts_stream_option");
        assertThatThrownBy(() -> read("[{\"slug\": \"x\", \"base_url\": \"https://x\", \"auth\": \"token\", \"format\": \"openai\"}]"))
                .hasMessageContaining("auth: token (expected: bearer");
        assertThatThrownBy(() -> read("[{\"slug\": \"x\", \"base_url\": \"https://x\", \"auth\": \"sigv4\", \"format\": \"bedrock\"}]"))
                .hasMessageContaining("sigv4_service is required");
        assertThatThrownBy(() -> read("[{\"slug\": \"x\", \"auth\": \"bearer\", \"format\": \"openai\"}]"))
                .hasMessageContaining("base_url");
    }
}
