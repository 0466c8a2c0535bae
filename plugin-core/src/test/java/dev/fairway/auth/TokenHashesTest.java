package dev.fairway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenHashesTest {
    @Test
    void hashIsLowercaseHexSha256OfUtf8() {
        // FIPS 180-2 test vector for "abc".
        assertThat(TokenHashes.hash("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(TokenHashes.hash("grüezi")).isEqualTo(TokenHashes.hash(new String("grüezi".getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8)))
                .hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void newTokensAreRandomAndUrlSafe() {
        String a = TokenHashes.newToken();
        String b = TokenHashes.newToken();
        assertThat(a).startsWith("fwy_").hasSize(4 + 43).matches("fwy_[A-Za-z0-9_-]+");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void storedHashParsesEitherCaseAndNeverPrintsItself() {
        String hex = TokenHashes.hash("t");
        TokenHash lower = TokenHash.parse(hex);
        TokenHash upper = TokenHash.parse(hex.toUpperCase(java.util.Locale.ROOT));
        assertThat(lower.sameAs(upper)).isTrue();
        assertThat(lower).isEqualTo(upper).hasSameHashCodeAs(upper).isNotEqualTo(TokenHash.parse(TokenHashes.hash("u")));
        assertThat(lower.toString()).doesNotContain(hex).isEqualTo("sha256:****");
    }

    @Test
    void malformedHashIsRefusedWithoutEchoingIt() {
        String pastedToken = "fwy_this-is-a-token-not-a-hash";
        assertThatThrownBy(() -> TokenHash.parse(pastedToken))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 64 hexadecimal characters")
                .hasMessageNotContaining(pastedToken);
        assertThatThrownBy(() -> TokenHash.parse("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
    }
}
