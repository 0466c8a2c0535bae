package dev.fairway.provider;

import dev.fairway.config.AwsCredentials;
import dev.fairway.http.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests the gateway sends with its own AWS keys (Bedrock). Signs
 * host, x-amz-date, x-amz-content-sha256, content-type and x-amz-security-token; the client's own
 * authorization and x-amz-* headers are removed first, since the gateway's signature replaces them.
 */
public final class SigV4 {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {}

    /** Adds the signature headers to {@code headers} for a request to {@code uri} in {@code region}. */
    public static void sign(String method, URI uri, Headers headers, byte[] body, AwsCredentials credentials, String service,
                            String region, ZonedDateTime now) {
        headers.remove("authorization");
        for (int i = headers.size() - 1; i >= 0; i--) {
            if (headers.name(i).startsWith("x-amz-")) {
                headers.remove(headers.name(i));
            }
        }
        String amzDate = now.withZoneSameInstant(ZoneOffset.UTC).format(AMZ_DATE);
        String day = amzDate.substring(0, 8);
        String payloadHash = HEX.formatHex(sha256(body));
        headers.set("x-amz-date", amzDate);
        headers.set("x-amz-content-sha256", payloadHash);
        if (credentials.sessionToken() != null) {
            headers.set("x-amz-security-token", credentials.sessionToken().reveal());
        }
        Map<String, String> signed = new TreeMap<>();
        signed.put("host", uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort());
        for (int i = 0; i < headers.size(); i++) {
            String n = headers.name(i);
            if (n.startsWith("x-amz-") || n.equals("content-type")) {
                signed.put(n, headers.value(i).trim());
            }
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        signed.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v).append('\n'));
        String signedHeaders = String.join(";", signed.keySet());
        String canonical = method + "\n" + canonicalPath(uri) + "\n" + canonicalQuery(uri) + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + payloadHash;
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey().reveal()).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, toSign));
        headers.set("authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.accessKeyId().reveal() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    }

    /** Each path segment URI-encoded once more, as AWS expects for every service but S3. */
    static String canonicalPath(URI uri) {
        String raw = uri.getRawPath();
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : raw.split("/", -1)) {
            if (!sb.isEmpty() || raw.startsWith("/")) {
                sb.append('/');
            }
            sb.append(encode(seg));
        }
        String s = sb.toString();
        return s.startsWith("//") ? s.substring(1) : s;
    }

    static String canonicalQuery(URI uri) {
        String q = uri.getRawQuery();
        if (q == null || q.isEmpty()) {
            return "";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            sorted.put(encode(eq < 0 ? pair : pair.substring(0, eq)), encode(eq < 0 ? "" : pair.substring(eq + 1)));
        }
        StringBuilder sb = new StringBuilder();
        sorted.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "&").append(k).append('=').append(v));
        return sb.toString();
    }

    private static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(HEX.toHexDigits(b).toUpperCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
