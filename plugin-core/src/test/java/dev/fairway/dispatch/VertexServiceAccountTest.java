package dev.fairway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fairway.mock.MockOptions;
import dev.fairway.mock.RecordedRequest;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vertex AI with a service-account JSON key, as Cloudflare's Vertex page documents it: "AI Gateway supports passing a
 * Google service account JSON directly in the Authorization header on requests or through ... Bring Your Own Keys"
 * (base64-encoded in the header) and "uses your service account JSON to generate short-term access tokens which are
 * cached and used for consecutive requests, and are automatically refreshed when they expire". The key is exchanged by
 * Google's auth library against a fake token endpoint on loopback; the key is an RSA key made for the test.
 */
class VertexServiceAccountTest {
    private static final String CHAT = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello Vertex\"}]}]}";
    private static final String PATH = "/google-vertex-ai/v1/projects/p1/locations/global/publishers/google/models/gemini-2.5-flash:generateContent";

    private HttpServer tokens;
    private final List<String> grants = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> lifetimes = Collections.synchronizedList(new ArrayList<>(List.of(3600)));

    @BeforeEach
    void startTokenEndpoint() throws IOException {
        tokens = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokens.createContext("/token", ex -> {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n;
            int lifetime;
            synchronized (grants) {
                grants.add(form);
                n = grants.size();
                lifetime = lifetimes.size() >= n ? lifetimes.get(n - 1) : 3600;
            }
            byte[] body = ("{\"access_token\":\"ya29.token-" + n + "\",\"expires_in\":" + lifetime + ",\"token_type\":\"Bearer\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tokens.start();
    }

    @AfterEach
    void stop() {
        tokens.stop(0);
    }

    private String tokenUri() {
        return "http://127.0.0.1:" + tokens.getAddress().getPort() + "/token";
    }

    private static String serviceAccountKey(String tokenUri) throws NoSuchAlgorithmException, IOException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return new ObjectMapper().writeValueAsString(Map.of(
                "type", "service_account",
                "project_id", "p1",
                "private_key_id", "k1",
                "private_key", pem,
                "client_email", "gateway@p1.iam.gserviceaccount.com",
                "client_id", "1",
                "token_uri", tokenUri));
    }

    private static String authorizationSeen(GatewayHarness harness) {
        List<RecordedRequest> seen = harness.mock().requests();
        return seen.get(seen.size() - 1).header("authorization").orElse(null);
    }

    @Test
    void aConfiguredKeyIsExchangedOnceAndRefreshedBeforeItExpires() throws Exception {
        // First token lives 60 s: inside the library's refresh margin, so the next request refreshes it before expiry.
        lifetimes.set(0, 60);
        String key = serviceAccountKey(tokenUri()).replace("'", "''");
        try (GatewayHarness h = GatewayHarness.start("""
                providers:
                  google-vertex-ai: {base_url: "MOCK", api_key: '%s'}
                routes: [{name: main}]
                """.formatted(key), MockOptions.defaults())) {
            assertThat(h.post(PATH, CHAT).statusCode()).isEqualTo(200);
            assertThat(authorizationSeen(h)).isEqualTo("Bearer ya29.token-1");
            assertThat(grants.get(0)).contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer", "assertion=");

            assertThat(h.post(PATH, CHAT).statusCode()).isEqualTo(200);
            assertThat(authorizationSeen(h)).isEqualTo("Bearer ya29.token-2");
            assertThat(h.post(PATH, CHAT).statusCode()).isEqualTo(200);
            assertThat(authorizationSeen(h)).isEqualTo("Bearer ya29.token-2");
            assertThat(grants).hasSize(2);
        }
    }

    @Test
    void aKeyInAuthorizationIsExchangedAtTheConfiguredEndpointNeverTheKeysOwn() throws Exception {
        // The client's key names a token_uri the gateway must not call: a client never chooses the host.
        String key = serviceAccountKey("http://127.0.0.1:9/elsewhere");
        try (GatewayHarness h = GatewayHarness.start("""
                providers:
                  google-vertex-ai: {base_url: "MOCK", params: {token_uri: "%s"}}
                routes: [{name: main}]
                """.formatted(tokenUri()), MockOptions.defaults())) {
            String header = "Bearer " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
            var answer = h.post(PATH, CHAT, "authorization", header);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(authorizationSeen(h)).isEqualTo("Bearer ya29.token-1");
            assertThat(grants).hasSize(1);

            // A plain access token passes through untouched.
            assertThat(h.post(PATH, CHAT, "authorization", "Bearer ya29.client-token").statusCode()).isEqualTo(200);
            assertThat(authorizationSeen(h)).isEqualTo("Bearer ya29.client-token");

            var bad = h.post(PATH, CHAT, "authorization", "{\"type\":\"service_account\",\"private_key\":\"nope\"}");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("service-account key is not valid").doesNotContain("nope");
        }
    }
}
