package dev.fairway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.ConfigLoader;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pins the shape of the comparison that keeps timing from telling which token matched. */
class TokenVerifierTest {
    private final List<AuthClient> clients = ConfigLoader.withEnv(Map.of()).parseRoute("""
            auth:
              enabled: true
              clients:
                - {name: alice, token_sha256: [%s, %s]}
                - {name: bob, token_sha256: %s}
                - {name: carol, token_sha256: [%s, %s]}
            """.formatted(TokenHashes.hash("a1"), TokenHashes.hash("a2"), TokenHashes.hash("b1"),
            TokenHashes.hash("c1"), TokenHashes.hash("c2"))).auth().clients();

    private final List<int[]> comparisons = new ArrayList<>();
    private final TokenVerifier verifier = new TokenVerifier((a, b) -> {
        comparisons.add(new int[] {a.length, b.length});
        return MessageDigest.isEqual(a, b);
    });

    @ParameterizedTest
    @ValueSource(strings = {"a1", "a2", "b1", "c2", "nobody", "", "a-very-long-token-that-is-much-longer-than-a-digest-0123456789"})
    void everyStoredDigestIsComparedWhateverMatches(String token) {
        verifier.identify(token, clients);
        assertThat(comparisons).hasSize(5);
        // Fixed-length operands: the comparison's duration cannot depend on the token's length.
        assertThat(comparisons).allSatisfy(c -> assertThat(c).containsExactly(32, 32));
    }

    @Test
    void identifiesTheOwnerOfEachToken() {
        assertThat(verifier.identify("a1", clients)).isEqualTo("alice");
        assertThat(verifier.identify("a2", clients)).isEqualTo("alice");
        assertThat(verifier.identify("b1", clients)).isEqualTo("bob");
        assertThat(verifier.identify("c1", clients)).isEqualTo("carol");
        assertThat(verifier.identify("A1", clients)).isNull();
        assertThat(verifier.identify("nobody", clients)).isNull();
    }

    @Test
    void productionComparatorIsMessageDigestIsEqual() {
        byte[] a = TokenHashes.digest("x");
        byte[] b = TokenHashes.digest("x");
        byte[] c = TokenHashes.digest("y");
        assertThat(TokenVerifier.CONSTANT_TIME.equal(a, b)).isTrue();
        assertThat(TokenVerifier.CONSTANT_TIME.equal(a, c)).isFalse();
    }
}
