package dev.fairway.auth;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.util.List;

/**
 * Finds the client a presented token belongs to without letting timing tell anything: the token is
 * hashed once to a fixed-length digest, and that digest is compared with every stored one, in
 * constant time each, with no early exit. Response time thus depends on the number of stored hashes
 * only, not on which one (if any) matched nor on how many leading bytes agreed.
 */
final class TokenVerifier {
    /** Compares two digests of equal length; {@link MessageDigest#isEqual} in production. */
    interface DigestComparator {
        boolean equal(byte[] a, byte[] b);
    }

    static final DigestComparator CONSTANT_TIME = MessageDigest::isEqual;

    private final DigestComparator comparator;

    TokenVerifier(DigestComparator comparator) {
        this.comparator = requireNonNull(comparator, "comparator");
    }

    /** The name of the client whose token this is, or null when none matches. */
    String identify(String token, List<AuthClient> clients) {
        byte[] presented = TokenHashes.digest(token);
        String matched = null;
        for (AuthClient client : clients) {
            for (TokenHash stored : client.tokenSha256()) {
                // Non-short-circuit '&' and no break: every digest is compared whatever matched before.
                boolean equal = comparator.equal(presented, stored.digest());
                if (equal & matched == null) {
                    matched = client.name();
                }
            }
        }
        return matched;
    }
}
