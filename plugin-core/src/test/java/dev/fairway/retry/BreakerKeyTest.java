package dev.fairway.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import org.junit.jupiter.api.Test;

class BreakerKeyTest {
    @Test
    void theOriginNamesSchemeHostAndPort() {
        assertThat(BreakerKey.of("r", "openai", URI.create("https://api.openai.com/v1/chat/completions"), null).origin())
                .isEqualTo("https://api.openai.com:443");
        assertThat(BreakerKey.of("r", "openai", URI.create("http://127.0.0.1/v1/chat/completions"), null).origin())
                .isEqualTo("http://127.0.0.1:80");
        assertThat(BreakerKey.of("r", "openai", URI.create("http://127.0.0.1:8080/v1/chat/completions"), "m").origin())
                .isEqualTo("http://127.0.0.1:8080");
        assertThat(BreakerKey.of("r", "openai", URI.create("http://127.0.0.1:0/v1"), null).origin()).isEqualTo("http://127.0.0.1:0");
    }

    @Test
    void pathsAndQueriesOfOneOriginShareAKey() {
        BreakerKey a = BreakerKey.of("r", "google-ai-studio", URI.create("https://g.example/v1beta/models/a:generateContent"), null);
        BreakerKey b = BreakerKey.of("r", "google-ai-studio", URI.create("https://g.example/v1beta/models/b:generateContent?alt=sse"), null);
        assertThat(a).isEqualTo(b);
        assertThat(BreakerKey.of("r", "google-ai-studio", URI.create("https://g.example/x"), "configured")).isNotEqualTo(a);
        assertThat(BreakerKey.of("other", "google-ai-studio", URI.create("https://g.example/x"), null)).isNotEqualTo(a);
    }

    @Test
    void routeProviderAndOriginAreRequired() {
        assertThatNullPointerException().isThrownBy(() -> new BreakerKey(null, "p", "o", null)).withMessage("route");
        assertThatNullPointerException().isThrownBy(() -> new BreakerKey("r", null, "o", null)).withMessage("provider");
        assertThatNullPointerException().isThrownBy(() -> new BreakerKey("r", "p", null, null)).withMessage("origin");
    }
}
