package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.Secret;
import org.junit.jupiter.api.Test;

class AdminAuthTest {
    private static final Secret TOKEN = Secret.literal("admin-token-0123456789");

    @Test
    void loopbackWithoutTokenIsOpen() {
        for (String host : new String[] {"127.0.0.1", "::1", "localhost", "127.0.0.2"}) {
            AdminAuth auth = AdminAuth.forListener(host, null);
            assertThat(auth.required()).as(host).isFalse();
            assertThat(auth.check(null)).isEqualTo(AdminAuth.AuthDecision.OPEN);
        }
    }

    @Test
    void aTokenlessListenerAnswersOnlyToItsOwnNames() {
        // Issue 15, item 15: DNS rebinding sends the attacker's name in Host.
        AdminAuth auth = AdminAuth.forListener("127.0.0.1", null);
        for (String ok : new String[] {"127.0.0.1", "127.0.0.1:8788", "localhost", "LOCALHOST:8788", "[::1]:8788", "::1", "[::1]", "127.0.0.2"}) {
            assertThat(auth.hostAllowed(ok)).as(ok).isTrue();
        }
        for (String bad : new String[] {"evil.example.com", "evil.example.com:8788", "127.0.0.1.evil.example.com", "localhost.evil.example", "", null}) {
            assertThat(auth.hostAllowed(bad)).as(String.valueOf(bad)).isFalse();
        }
        assertThat(AdminAuth.forListener("localhost", null).hostAllowed("localhost:8788")).isTrue();
        // With a token, the token is the protection: any name may be used to reach the listener.
        assertThat(AdminAuth.forListener("0.0.0.0", TOKEN).hostAllowed("metrics.internal.example")).isTrue();
    }

    @Test
    void nonLoopbackWithoutTokenRefusesToStart() {
        assertThatThrownBy(() -> AdminAuth.forListener("0.0.0.0", null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("server.admin_token: required when server.admin_host (0.0.0.0) is not a loopback address");
        assertThatThrownBy(() -> AdminAuth.forListener("10.1.2.3", null)).isInstanceOf(ConfigException.class);
    }

    @Test
    void aConfiguredTokenIsRequiredEvenOnLoopback() {
        for (String host : new String[] {"127.0.0.1", "0.0.0.0"}) {
            AdminAuth auth = AdminAuth.forListener(host, TOKEN);
            assertThat(auth.required()).isTrue();
            assertThat(auth.check(null)).isEqualTo(AdminAuth.AuthDecision.MISSING);
            assertThat(auth.check("")).isEqualTo(AdminAuth.AuthDecision.MISSING);
            assertThat(auth.check("Basic YWRtaW46eA==")).isEqualTo(AdminAuth.AuthDecision.WRONG_SCHEME);
            assertThat(auth.check("Bearer wrong")).isEqualTo(AdminAuth.AuthDecision.REFUSED);
            assertThat(auth.check("Bearer admin-token-012345678")).isEqualTo(AdminAuth.AuthDecision.REFUSED);
            assertThat(auth.check("Bearer admin-token-01234567890")).isEqualTo(AdminAuth.AuthDecision.REFUSED);
            assertThat(auth.check("Bearer admin-token-0123456789")).isEqualTo(AdminAuth.AuthDecision.ACCEPTED);
            assertThat(auth.check("bearer admin-token-0123456789")).isEqualTo(AdminAuth.AuthDecision.ACCEPTED);
        }
    }

    @Test
    void refusalsNeverRepeatTheToken() {
        for (AdminAuth.AuthDecision d : AdminAuth.AuthDecision.values()) {
            if (d.reason() != null) {
                assertThat(d.reason()).doesNotContain(TOKEN.reveal());
            }
        }
    }
}
