package dev.fairway.cache.semantic;

import dev.fairway.cache.CanonicalJson;
import dev.fairway.pipeline.Exchange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The exact part of a semantic key: SHA-256 over length-prefixed parts, everything a match must
 * share byte for byte. The route and the credential's fingerprint keep tenants apart; provider,
 * upstream URI, method and model keep answers apart; the kind (stream or not) keeps a stored stream
 * for streaming requests; the body without its last user message holds parameters, tools, system
 * prompt and earlier turns; the guard signature holds the last message's numbers, negation,
 * dates and names ({@link Guard}).
 */
final class Partition {
    private Partition() {}

    static String of(Exchange exchange, Question question, String guard) {
        byte[] exact;
        try {
            exact = CanonicalJson.of(question.exactPart(), exchange.body().size());
        } catch (IOException e) {
            throw new UncheckedIOException("canonical exact part", e);
        }
        MessageDigest sha = sha256();
        // The version of the key's rules (Guard, Wording): entries indexed under older rules never match.
        part(sha, "semantic-v2");
        part(sha, exchange.route().name());
        part(sha, exchange.credentialFingerprint());
        part(sha, exchange.target().provider().slug());
        part(sha, exchange.target().uri().toString());
        part(sha, exchange.method());
        part(sha, exchange.model() == null ? "" : exchange.model());
        part(sha, exchange.stream() ? "sse" : "json");
        part(sha, guard);
        part(sha, exact);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void part(MessageDigest sha, String s) {
        part(sha, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void part(MessageDigest sha, byte[] bytes) {
        int n = bytes.length;
        sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
