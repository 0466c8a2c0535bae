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

    // Lenient parsing (the default for routes; strict_headers: true keeps the 400s above).

    @Test
    void metadataBeyondFiveEntriesKeepsTheFirstFiveInTheOrderSent() {
        // Cloudflare, AI Gateway "Custom metadata": "If more than five entries are provided, only the
        // first five will be saved; additional entries will be ignored."
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of("cf-aig-metadata",
                "{\"f\":6,\"a\":1,\"e\":5,\"b\":2,\"d\":4,\"c\":3,\"g\":7}"), false);
        assertThat(h.metadata()).containsExactly(Map.entry("f", 6L), Map.entry("a", 1L), Map.entry("e", 5L),
                Map.entry("b", 2L), Map.entry("d", 4L));
        assertThat(h.notes()).singleElement().satisfies(n -> {
            assertThat(n.header()).isEqualTo("cf-aig-metadata");
            assertThat(n.action()).isEqualTo(HeaderNote.Action.TRUNCATED);
            assertThat(n.detail()).isEqualTo("cf-aig-metadata: 7 entries (kept the first 5)");
        });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"a\":{\"b\":1}}",
        "{\"a\":[1]}",
        "{\"a\":null}",
        "{not json",
        "[1,2]",
        "\"text\"",
        "{\"a\":1} trailing",
    })
    void metadataCloudflareCannotStoreIsIgnoredWholeWithANote(String value) {
        // Cloudflare, AI Gateway "Custom metadata": supported types are string, number and boolean;
        // "Objects are not supported as metadata values." The header is ignored, the request goes on.
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of("cf-aig-metadata", value, "cf-aig-event-id", "e1"), false);
        assertThat(h.metadata()).isEmpty();
        assertThat(h.eventId()).isEqualTo("e1");
        assertThat(h.notes()).singleElement().satisfies(n -> {
            assertThat(n.header()).isEqualTo("cf-aig-metadata");
            assertThat(n.action()).isEqualTo(HeaderNote.Action.IGNORED);
        });
    }

    @Test
    void aRepeatedMetadataKeyKeepsItsLastValueAsJsonParseDoes() {
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of("cf-aig-metadata", "{\"a\":1,\"b\":2,\"a\":3}"), false);
        assertThat(h.metadata()).containsExactly(Map.entry("a", 3L), Map.entry("b", 2L));
        assertThat(h.notes()).isEmpty();
    }

    @Test
    void valuesCloudflareWouldNotActOnAreIgnoredOrClampedAndListed() {
        // Cloudflare, AI Gateway "Request handling": retries are "a maximum of 5 tries", the delay "a
        // maximum of 5 seconds", backoff "constant, linear, or exponential"; "Caching": the TTL is 60 s
        // to one month. Out-of-range numbers are clamped, values with no meaning ignored.
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of(
                "cf-aig-skip-cache", "1",
                "cf-aig-max-attempts", "6",
                "cf-aig-retry-delay", "6000",
                "cf-aig-backoff", "fibonacci",
                "cf-aig-cache-ttl", "5",
                "cf-aig-request-timeout", "abc",
                "cf-aig-collect-log", "yes",
                "cf-aig-custom-cost", "{\"price\":1}",
                "cf-aig-event-id", "evt-1"), false);
        assertThat(h.skipCache()).isNull();
        assertThat(h.maxAttempts()).isEqualTo(5);
        assertThat(h.retryDelayMs()).isEqualTo(5000);
        assertThat(h.backoff()).isNull();
        assertThat(h.cacheTtlSeconds()).isEqualTo(60);
        assertThat(h.requestTimeoutMs()).isNull();
        assertThat(h.collectLog()).isNull();
        assertThat(h.customCost()).isNull();
        assertThat(h.eventId()).isEqualTo("evt-1");
        assertThat(HeaderNote.responseValue(h.notes())).isEqualTo("cf-aig-cache-ttl;clamped, cf-aig-skip-cache;ignored, "
                + "cf-aig-collect-log;ignored, cf-aig-request-timeout;ignored, cf-aig-max-attempts;clamped, "
                + "cf-aig-retry-delay;clamped, cf-aig-backoff;ignored, cf-aig-custom-cost;ignored");
        assertThat(h.notes()).filteredOn(n -> n.header().equals("cf-aig-max-attempts")).singleElement()
                .extracting(HeaderNote::detail).isEqualTo("cf-aig-max-attempts: 6 (expected: 1 to 5 attempts) (clamped to 5)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0|0",
        "30|60",
        "3600|3600",
        "99999999|2592000",
    })
    void cacheTtlZeroMeansDoNotCacheAndOtherValuesAreClampedIntoRange(String value, int expected) {
        assertThat(CfAigHeaderParser.parse(Headers.of("cf-aig-cache-ttl", value), false).cacheTtlSeconds()).isEqualTo(expected);
    }

    @Test
    void credentialHeadersStayStrictOnLenientRoutes() {
        GatewayError auth = catchThrowableOfType(GatewayError.class,
                () -> CfAigHeaderParser.parse(Headers.of("cf-aig-authorization", "Basic abc"), false));
        assertThat(auth.details()).containsEntry("header", "cf-aig-authorization");
        GatewayError alias = catchThrowableOfType(GatewayError.class,
                () -> CfAigHeaderParser.parse(Headers.of("cf-aig-byok-alias", "a\u0001b"), false));
        assertThat(alias.details()).containsEntry("header", "cf-aig-byok-alias");
    }
}
