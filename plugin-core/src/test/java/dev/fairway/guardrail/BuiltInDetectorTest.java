package dev.fairway.guardrail;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltInDetectorTest {
    @ParameterizedTest
    @ValueSource(strings = {"write to jane.doe@example.ch please", "a+b@sub.example.co.uk", "<info@fairway.dev>"})
    void emailFound(String text) {
        assertThat(BuiltInDetector.EMAIL.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane at example dot com", "user@localhost", "follow @fairway", "a@b.c", "x@@y.com"})
    void emailNotFound(String text) {
        assertThat(BuiltInDetector.EMAIL.find(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"call +41 44 668 18 00", "0041 44 668 18 00", "+1 (555) 123-4567", "(555) 123-4567", "044 668 18 00", "+4915112345678",
            "044-668-18-00", "(030) 123 45 678", "+41 (0)44 668 18 00"})
    void phoneFound(String text) {
        assertThat(BuiltInDetector.PHONE.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"on 2024-01-15", "version 1.2.3.4", "+1", "order 123456789", "+41 4", "0041 12", "pi is 3.14159265358979", "id A+4912345678"})
    void phoneNotFound(String text) {
        assertThat(BuiltInDetector.PHONE.find(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CH93 0076 2011 6238 5295 7", "IBAN: CH9300762011623852957.", "DE89 3704 0044 0532 0130 00",
            "pay GB82 WEST 1234 5698 7654 32 today", "DE89370400440532013000"})
    void ibanWithValidChecksumFound(String text) {
        assertThat(BuiltInDetector.IBAN.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CH93 0076 2011 6238 5295 8", "DE89 3704 0044 0532 0130 01", "XX89370400440532013000",
            "CH9300762011623852957123", "AB12 is a code", "ch9300762011623852957", "CH93  0076 2011 6238 5295 7"})
    void ibanWithBadChecksumOrShapeNotFound(String text) {
        assertThat(BuiltInDetector.IBAN.find(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1111", "card 4111-1111-1111-1111 exp 12/29", "5555555555554444", "378282246310005", "6011111111111117",
            "2223 0031 2200 3222", "2221000000000009"})
    void cardWithValidLuhnFound(String text) {
        assertThat(BuiltInDetector.CREDIT_CARD.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1112", "1234 5678 9012 3456", "41111111111111111111111", "4111 1111", "5555555555554445"})
    void cardWithBadLuhnOrShapeNotFound(String text) {
        assertThat(BuiltInDetector.CREDIT_CARD.find(text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AHV 756.1234.5678.97", "7561234567897", "756.9217.0769.85", "AHV 756 1234 5678 97"})
    void ahvWithValidCheckDigitFound(String text) {
        assertThat(BuiltInDetector.SWISS_AHV.find(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"756.1234.5678.98", "757.1234.5678.97", "756.1234.5678.970", "17561234567897"})
    void ahvWithBadCheckDigitOrShapeNotFound(String text) {
        assertThat(BuiltInDetector.SWISS_AHV.find(text)).isFalse();
    }

    @Test
    void namesAreTheConfigNames() {
        assertThat(BuiltInDetector.byName("credit_card")).isSameAs(BuiltInDetector.CREDIT_CARD);
        assertThat(BuiltInDetector.byName("CREDIT_CARD")).isNull();
        assertThat(BuiltInDetector.names()).isEqualTo("email, phone, iban, credit_card, swiss_ahv");
        // The config model's constraint (what hosts' schemas carry) names exactly the detectors there are.
        assertThat(String.join(", ", DetectorRule.class.getRecordComponents()[0].getAnnotatedType()
                .getAnnotation(dev.fairway.config.OneOf.class).value())).isEqualTo(BuiltInDetector.names());
    }
}
