package dev.fairway.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.LogsSettings;
import dev.fairway.config.RouteConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
    private final ConfigLoader loader = ConfigLoader.withEnv(Map.of("KEY", "AKIAEXAMPLE", "SECRET", "s3cr3t-value"));

    @Test
    void defaultsLogEveryRequestWithPayloadsToTheLocalSpool() {
        GatewayConfig config = loader.parse("{}");
        assertThat(config.logs().spoolDir()).isEqualTo(".fairway/spool");
        assertThat(config.logs().fsync()).isEqualTo(LogsSettings.Fsync.INTERVAL);
        assertThat(config.logs().export()).isNull();
        RouteConfig route = config.routes().get(0);
        assertThat(route.logging().enabled()).isTrue();
        // Cloudflare stores payloads by default (changelog 2026-03-17, cf-aig-collect-log-payload "defaults to true").
        assertThat(route.logging().payloads()).isTrue();
        assertThat(route.logging().optOutAllowed(false)).isTrue();
        assertThat(route.logging().optOutAllowed(true)).isFalse();
    }

    @Test
    void exportSettingsAreReadWithSecretsAndPathStyleForCustomEndpoints() {
        GatewayConfig config = loader.parse("""
                logs:
                  export:
                    endpoint: http://127.0.0.1:9000
                    bucket: audit
                    prefix: /gw/node-1/
                    access_key_id: ${env:KEY}
                    secret_access_key: ${env:SECRET}
                    object_lock_mode: GOVERNANCE
                    object_lock_retention_days: 365
                """);
        var export = config.logs().export();
        assertThat(export.pathStyle()).isTrue();
        assertThat(export.prefix()).isEqualTo("gw/node-1");
        assertThat(export.secretAccessKey().reveal()).isEqualTo("s3cr3t-value");
        assertThat(export.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void everyBadLogsFieldIsNamed() {
        assertThatThrownBy(() -> loader.parse("""
                logs:
                  fsync: sometimes
                  queue_capacity: 1
                  queue_max_bytes: 4096
                  export:
                    endpoint: "not a url"
                    access_key_id: ${env:KEY}
                    object_lock_mode: LOCKED
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("logs.fsync: sometimes (expected: always, interval or never)")
                .hasMessageContaining("logs.queue_capacity: 1 (expected: >= 16)")
                .hasMessageContaining("logs.queue_max_bytes: 4096 (expected: >= 65536)")
                .hasMessageContaining("logs.export.endpoint: not a url (expected: an absolute http or https URL)")
                .hasMessageContaining("logs.export.bucket: required")
                .hasMessageContaining("logs.export.secret_access_key: access_key_id and secret_access_key go together")
                .hasMessageContaining("logs.export.object_lock_mode: LOCKED (expected: GOVERNANCE or COMPLIANCE)")
                .hasMessageNotContaining("AKIAEXAMPLE");
    }

    @Test
    void routeLoggingIsValidatedWhereTheHostHandsItOver() {
        assertThatThrownBy(() -> loader.parseRoute("""
                logging: {redact: [email, passport], remove_headers: [" "], max_payload_bytes: -1}
                """)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("logging.redact[1]: passport (expected: one of email, phone, iban, card, ahv)")
                .hasMessageContaining("logging.remove_headers[0]: must not be blank")
                .hasMessageContaining("logging.max_payload_bytes: -1 (expected: 0..10485760)");
        RouteConfig ok = loader.parseRoute("logging: {payloads: true, remove_headers: [X-Tenant-Secret]}");
        assertThat(ok.logging().removeHeaders()).containsExactly("x-tenant-secret");
    }
}
