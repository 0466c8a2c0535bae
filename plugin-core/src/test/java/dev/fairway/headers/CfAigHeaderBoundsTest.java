package dev.fairway.headers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The edges of each {@code cf-aig-*} value: the last accepted value, the first refused, and what a refusal says. */
class CfAigHeaderBoundsTest {

    private static CfAigHeaders lenient(String... namesAndValues) {
        return CfAigHeaderParser.parse(Headers.of(namesAndValues), false);
    }

    private static String refusal(String name, String value) {
        GatewayError e = catchThrowableOfType(GatewayError.class, () -> CfAigHeaderParser.parse(Headers.of(name, value)));
        assertThat(e).as("%s: %s", name, value).isNotNull();
        return e.getMessage();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "cf-aig-cache-ttl|60",
        "cf-aig-cache-ttl|2592000",
        "cf-aig-max-attempts|1",
        "cf-aig-max-attempts|5",
        "cf-aig-retry-delay|0",
        "cf-aig-retry-delay|5000",
        "cf-aig-request-timeout|1",
        "cf-aig-request-timeout|3600000",
    })
    void theBoundsThemselvesAreAcceptedAsSentWithoutANote(String name, String value) {
        CfAigHeaders h = CfAigHeaderParser.parse(Headers.of(name, value));
        assertThat(h.notes()).isEmpty();
        int n = Integer.parseInt(value);
        Integer parsed = switch (name) {
            case "cf-aig-cache-ttl" -> h.cacheTtlSeconds();
            case "cf-aig-max-attempts" -> h.maxAttempts();
            case "cf-aig-retry-delay" -> h.retryDelayMs();
            default -> h.requestTimeoutMs();
        };
        assertThat(parsed).isEqualTo(n);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "cf-aig-request-timeout|0",
        "cf-aig-retry-delay|-1",
        "cf-aig-max-attempts|0",
        // Zero written otherwise than "0" is no TTL Cloudflare knows: ignored, not clamped to 60.
        "cf-aig-cache-ttl|00",
    })
    void aValueBelowAMinimumThatMeansNothingIsIgnoredNotClamped(String name, String value) {
        CfAigHeaders h = lenient(name, value);
        assertThat(h.requestTimeoutMs()).isNull();
        assertThat(h.retryDelayMs()).isNull();
        assertThat(h.maxAttempts()).isNull();
        assertThat(h.cacheTtlSeconds()).isNull();
        assertThat(h.notes()).singleElement().satisfies(n -> {
            assertThat(n.header()).isEqualTo(name);
            assertThat(n.action()).isEqualTo(HeaderNote.Action.IGNORED);
        });
    }

    @Test
    void absentBooleansStayUnsetBesideAPresentOne() {
        CfAigHeaders h = lenient("cf-aig-collect-log", "true");
        assertThat(h.collectLog()).isTrue();
        assertThat(h.skipCache()).isNull();
        assertThat(h.collectLogPayload()).isNull();
    }

    @Test
    void textUpToItsLimitOfPrintableAsciiIsKept() {
        String longest = "e".repeat(255) + "~";
        assertThat(lenient("cf-aig-event-id", longest).eventId()).isEqualTo(longest);
        assertThat(lenient("cf-aig-event-id", "a b").eventId()).isEqualTo("a b");
        assertThat(lenient("cf-aig-event-id", " padded ").eventId()).isEqualTo("padded");
    }

    @ParameterizedTest
    @ValueSource(strings = {"   ", "a\u007fb", "a\u001fb", "x"})
    void textBeyondItsLimitBlankOrWithControlCharactersIsIgnored(String value) {
        String v = value.equals("x") ? "e".repeat(257) : value;
        CfAigHeaders h = lenient("cf-aig-event-id", v, "cf-aig-cache-key", "kept");
        assertThat(h.eventId()).isNull();
        assertThat(h.cacheKey()).isEqualTo("kept");
        assertThat(h.notes()).singleElement().satisfies(n -> {
            assertThat(n.header()).isEqualTo("cf-aig-event-id");
            assertThat(n.detail()).isEqualTo("cf-aig-event-id: expected 1 to 256 printable ASCII characters (ignored)");
        });
    }

    @Test
    void aFreeCustomCostIsAPrice() {
        CustomCost free = lenient("cf-aig-custom-cost", "{\"total_cost\":0}").customCost();
        assertThat(free).isEqualTo(new CustomCost(null, null, 0.0));
        assertThat(free.isTotal()).isTrue();
        CustomCost perToken = lenient("cf-aig-custom-cost", "{\"per_token_in\":0,\"per_token_out\":0.5}").customCost();
        assertThat(perToken).isEqualTo(new CustomCost(0.0, 0.5, null));
        assertThat(perToken.isTotal()).isFalse();
    }

    @Test
    void refusalsQuoteTheValueSent() {
        assertThat(refusal("cf-aig-backoff", "fibonacci"))
                .isEqualTo("cf-aig-backoff: 'fibonacci' (expected: constant, linear or exponential)");
        assertThat(refusal("cf-aig-skip-cache", "yes")).isEqualTo("cf-aig-skip-cache: 'yes' (expected: true or false)");
        assertThat(refusal("cf-aig-max-attempts", "many"))
                .isEqualTo("cf-aig-max-attempts: 'many' (expected: a whole number of attempts, 1 to 5)");
        assertThat(refusal("cf-aig-custom-cost", "{\"price\":1}")).isEqualTo("cf-aig-custom-cost: unknown key 'price'; "
                + "expected {\"per_token_in\":x,\"per_token_out\":y} or {\"total_cost\":x} with non-negative numbers");
    }

    @Test
    void aQuotedValueIsCutAfterFortyCharacters() {
        String forty = "k".repeat(40);
        assertThat(refusal("cf-aig-metadata", "{\"" + forty + "\":null}"))
                .isEqualTo("cf-aig-metadata: value of '" + forty + "' must be a string, number or boolean");
        assertThat(refusal("cf-aig-metadata", "{\"" + forty + "x\":null}"))
                .isEqualTo("cf-aig-metadata: value of '" + forty + "...' must be a string, number or boolean");
    }

    @Test
    void fiveMetadataEntriesAreKeptWithoutANote() {
        CfAigHeaders h = lenient("cf-aig-metadata", "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}");
        assertThat(h.metadata()).hasSize(5).containsKeys("a", "e");
        assertThat(h.notes()).isEmpty();
    }

    @Test
    void theRenderingNamesTheCacheKeyAndTokenOnlyAsSetOrNot() {
        CfAigHeaders set = lenient("cf-aig-cache-key", "secret-key", "cf-aig-authorization", "Bearer tok", "cf-aig-max-attempts", "2");
        assertThat(set.toString()).contains("cacheKey=(set)", "authorization=****", "maxAttempts=2")
                .doesNotContain("secret-key", "tok,", "tok]");
        CfAigHeaders unset = lenient("cf-aig-max-attempts", "3");
        assertThat(unset.toString()).startsWith("CfAigHeaders[cacheTtlSeconds=null,")
                .contains("cacheKey=null", "authorization=null", "maxAttempts=3", "notes=0]");
    }
}
