package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data APIs of the admin listener check the token before reading a byte of the body, and bound
 * the body they read: an unauthenticated client cannot make the listener buffer anything.
 */
class AdminApiBodyTest {
    private static final String TOKEN = "admin-token-body-0123456789";
    private static final int SECONDS = 5;

    private GatewayHarness h;

    @BeforeEach
    void start() {
        h = GatewayHarness.startWithAdmin("""
                server: {port: 0, admin_token: %s}
                logs: {spool_dir: '%s', fsync: never}
                prompts:
                  - name: greeting
                    versions:
                      - messages: [{role: user, content: "hello"}]
                """.formatted(TOKEN, GatewayHarness.tempDir("fairway-admin-body")), MockOptions.defaults());
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void anUnauthenticatedBodyThatNeverEndsIsAnswered401AtOnceForEveryMethod() throws IOException {
        for (String head : new String[] {"PATCH /logs/some-id", "GET /logs", "DELETE /logs?provider=openai", "PUT /prompts/greeting"}) {
            // Chunked, one chunk sent, never terminated: reading the body first would wait forever.
            String answer = send(head + " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                    + "transfer-encoding: chunked\r\n\r\n10\r\n{\"feedback\":1,  \r\n", null);
            assertThat(answer).as(head).startsWith("HTTP/1.1 401").contains("\"header\":\"authorization\"");
        }
    }

    @Test
    void anUnauthenticatedDeclaredBodyIsNotAwaited() throws IOException {
        // 60 KiB announced (under the PATCH limit), 20 bytes sent: 401 without waiting for the rest.
        String answer = send("PATCH /logs/some-id HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: 61440\r\n\r\n{\"feedback\":1,\"sc", null);
        assertThat(answer).startsWith("HTTP/1.1 401").contains("www-authenticate: Bearer");
        String wrong = send("PATCH /logs/some-id HTTP/1.1\r\nHost: 127.0.0.1\r\nauthorization: Bearer " + TOKEN
                + "x\r\ncontent-length: 61440\r\n\r\n{", null);
        assertThat(wrong).startsWith("HTTP/1.1 401").doesNotContain(TOKEN);
    }

    @Test
    void anAuthorisedBodyOverTheApisLimitIs413() throws IOException {
        String auth = "authorization: Bearer " + TOKEN + "\r\n";
        String declared = send("PATCH /logs/some-id HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "content-length: " + (LogsRoutes.MAX_PATCH_BYTES + 1) + "\r\n\r\n{", null);
        assertThat(declared).startsWith("HTTP/1.1 413").contains("\"field\":\"body\"");
        // Chunked, no length announced: refused once the bytes read pass the limit.
        String streamed = send("PATCH /logs/some-id HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "transfer-encoding: chunked\r\n\r\n",
                "8000\r\n" + "x".repeat(0x8000) + "\r\n");
        assertThat(streamed).startsWith("HTTP/1.1 413");
        // With the token, within the limit: the API's own answer (no such log).
        String found = send("PATCH /logs/some-id HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth
                + "content-type: application/json\r\ncontent-length: 14\r\n\r\n{\"feedback\":1}", null);
        assertThat(found).startsWith("HTTP/1.1 404");
    }

    /**
     * Sends {@code request}, then {@code repeat} over and over until the listener answers or closes;
     * the listener's answer, or "" when none came within {@link #SECONDS}.
     */
    private String send(String request, String repeat) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.fairway().adminPort())) {
            s.setSoTimeout(SECONDS * 1000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            if (repeat != null) {
                byte[] chunk = repeat.getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 64 && in.available() == 0; i++) {
                        out.write(chunk);
                        out.flush();
                    }
                } catch (IOException closed) {
                    // The listener closed the connection after answering: read what it answered.
                }
            }
            StringBuilder answer = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    answer.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (answer.indexOf("\r\n\r\n") > 0 && answer.toString().toLowerCase().contains("connection: close") == false
                            && complete(answer)) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // No (further) answer in time, or a reset after the answer: what came is the answer.
            }
            return answer.toString();
        }
    }

    /** Whether a keep-alive answer with a content-length has all its body. */
    private static boolean complete(StringBuilder answer) {
        int head = answer.indexOf("\r\n\r\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(answer.substring(0, head));
        return m.find() && answer.length() - head - 4 >= Integer.parseInt(m.group(1));
    }
}
