package dev.fairway.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CfAigHeaderParserTest {

    @Test
    void parsesEveryHeader() {
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of(
                "cf-aig-cache-ttl", "3600",
                "cf-aig-skip-cache", "TRUE",
                "cf-aig-cache-key", "my-key",
                "cf-aig-metadata", "{\"user\":\"alice\",\"n\":3,\"pi\":3.5,\"vip\":true}",
                "cf-aig-collect-log", "false",
                "cf-aig-collect-log-payload", "false",
                "cf-aig-request-timeout", "2500",
                "cf-aig-max-attempts", "5",
                "cf-aig-retry-delay", "5000",
                "cf-aig-backoff", "exponential",
                "cf-aig-custom-cost", "{\"per_token_in\":0.000001,\"per_token_out\":0.000002}",
                "cf-aig-event-id", "evt-42",
                "cf-aig-authorization", "Bearer s3cret-token",
                "cf-aig-byok-alias", "prod"));
        assertThat(h.cacheTtlSeconds()).isEqualTo(3600);
        assertThat(h.skipCache()).isTrue();
        assertThat(h.cacheKey()).isEqualTo("my-key");
        assertThat(h.metadata()).containsExactly(Map.entry("user", "alice"), Map.entry("n", 3L), Map.entry("pi", 3.5), Map.entry("vip", true));
        assertThat(h.collectLog()).isFalse();
        assertThat(h.collectLogPayload()).isFalse();
        assertThat(h.requestTimeoutMs()).isEqualTo(2500);
        assertThat(h.maxAttempts()).isEqualTo(5);
        assertThat(h.retryDelayMs()).isEqualTo(5000);
        assertThat(h.backoff()).isEqualTo(Backoff.EXPONENTIAL);
        assertThat(h.customCost()).isEqualTo(new CustomCost(0.000001, 0.000002, null));
        assertThat(h.eventId()).isEqualTo("evt-42");
        assertThat(h.authorization()).isEqualTo("s3cret-token");
        assertThat(h.byokAlias()).isEqualTo("prod");
        assertThat(h.toString()).doesNotContain("s3cret-token");
    }

    @Test
    void absentHeadersLeaveDefaults() {
        assertThat(CfAigHeaderParser.parse(Headers.of("authorization", "Bearer x"))).isSameAs(CfAigHeaders.NONE);
    }

    @Test
    void legacyNamesAreAccepted() {
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of("cf-cache-ttl", "120", "cf-skip-cache", "true"));
        assertThat(h.cacheTtlSeconds()).isEqualTo(120);
        assertThat(h.skipCache()).isTrue();
    }

    @Test
    void totalCustomCost() {
        assertThat(CfAigHeaderParser.parse(Headers.of("cf-aig-custom-cost", "{\"total_cost\":0.25}")).customCost())
                .isEqualTo(new CustomCost(null, null, 0.25));
    }

    @Test
    void unknownGatewayHeadersAreIgnored() {
        assertThat(CfAigHeaderParser.parse(Headers.of("cf-aig-something-new", "x")).metadata()).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "cf-aig-cache-ttl|59|60 to 2592000",
        "cf-aig-cache-ttl|2592001|60 to 2592000",
        "cf-aig-cache-ttl|ten|whole number",
        "cf-cache-ttl|10|60 to 2592000",
        "cf-aig-skip-cache|yes|true or false",
        "cf-skip-cache|1|true or false",
        "cf-aig-collect-log|maybe|true or false",
        "cf-aig-collect-log-payload|0|true or false",
        "cf-aig-request-timeout|0|1 to 3600000",
        "cf-aig-request-timeout|-5|1 to 3600000",
        "cf-aig-max-attempts|6|1 to 5",
        "cf-aig-max-attempts|0|1 to 5",
        "cf-aig-retry-delay|5001|0 to 5000",
        "cf-aig-retry-delay|1.5|whole number",
        "cf-aig-backoff|fibonacci|constant, linear or exponential",
        "cf-aig-custom-cost|{\"per_token_in\":-1}|non-negative",
        "cf-aig-custom-cost|{\"total_cost\":1,\"per_token_in\":1}|non-negative",
        "cf-aig-custom-cost|{\"price\":1}|unknown key",
        "cf-aig-custom-cost|[1]|per_token_in",
        "cf-aig-metadata|[1,2]|JSON object",
        "cf-aig-metadata|{\"a\":{\"b\":1}}|string, number or boolean",
        "cf-aig-metadata|{\"a\":[1]}|string, number or boolean",
        "cf-aig-metadata|{\"a\":null}|string, number or boolean",
        "cf-aig-metadata|{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6}|at most 5 entries",
        "cf-aig-metadata|{\"a\":1,\"a\":2}|appears twice",
        "cf-aig-metadata|{not json|not valid JSON",
        "cf-aig-authorization|Basic abc|Bearer <token>",
        "cf-aig-authorization|Bearer |Bearer <token>",
    })
    void rejectsBadValuesNamingTheHeader(String header, String value, String expected) {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> CfAigHeaderParser.parse(Headers.of(header, value)));
        assertThat(e).as("%s: %s", header, value).isNotNull();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.details()).containsEntry("header", header);
        assertThat(e.getMessage()).startsWith(header + ":").contains(expected);
        String json = new String(e.toJson(), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\"error\":{\"type\":\"invalid_header\",\"header\":\"" + header + "\",").contains("\"message\":");
    }

    @Test
    void controlCharactersInTextHeadersAreRefused() {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> CfAigHeaderParser.parse(Headers.of("cf-aig-event-id", "a\u0001b")));
        assertThat(e.getMessage()).contains("printable ASCII");
    }

    @Test
    void badGatewayTokenIsNeverEchoed() {
        GatewayError e = catchThrowableOfType(GatewayError.class,
                () -> CfAigHeaderParser.parse(Headers.of("cf-aig-authorization", "Token very-secret-value")));
        assertThat(new String(e.toJson(), StandardCharsets.UTF_8)).doesNotContain("very-secret-value");
    }
}
