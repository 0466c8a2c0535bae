package dev.fairway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = ConfigLoader.withEnv(Map.of("OPENAI_KEY", "sk-from-env"));

    @Test
    void defaultsServeOneRouteAtTheRoot() {
        GatewayConfig c = loader.parse("{}");
        assertThat(c.routes()).singleElement().satisfies(r -> {
            assertThat(r.prefix()).isEqualTo("/");
            assertThat(r.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        });
        assertThat(c.server().port()).isEqualTo(8787);
    }

    @Test
    void resolvesSecretsWithoutEverPrintingThem(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("anthropic.key");
        Files.writeString(keyFile, "sk-ant-from-file\n");
        GatewayConfig c = loader.parse("""
                providers:
                  openai: {api_key: "${env:OPENAI_KEY}"}
                  anthropic: {api_key: "${file:%s}"}
                """.formatted(keyFile));
        Secret openai = c.providers().get("openai").apiKey();
        assertThat(openai.reveal()).isEqualTo("sk-from-env");
        assertThat(c.providers().get("anthropic").apiKey().reveal()).isEqualTo("sk-ant-from-file");
        assertThat(c.toString()).doesNotContain("sk-from-env").doesNotContain("sk-ant-from-file");
        assertThat(openai.reference()).isEqualTo("${env:OPENAI_KEY}");
    }

    @Test
    void missingEnvironmentVariableIsNamedNotGuessed() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader.parse("providers: {openai: {api_key: \"${env:NOPE}\"}}"));
        assertThat(e.getMessage()).isEqualTo("providers.openai.api_key: environment variable NOPE is not set");
    }

    @Test
    void problemsNameTheFieldPath() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse("""
                routes:
                  - name: a
                    prefix: /a
                  - name: b
                    prefix: /b
                  - name: c
                    prefix: /c
                    providers:
                      openai: {base_url: "ftp://example.com"}
                    request_timeout_ms: 0
                """));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "routes[2].request_timeout_ms: 0 (expected: > 0)",
                "routes[2].providers.openai.base_url: not an absolute https URL");
    }

    @Test
    void unknownFieldsAreNamedWithTheKnownOnes() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse("routes: [{name: a, prefx: /a}]"));
        assertThat(e.getMessage()).startsWith("routes[0].prefx: unknown field (known: ").contains("prefix");
    }

    @Test
    void wrongTypesAreNamed() {
        assertThat(catchThrowableOfType(ConfigException.class, () -> loader.parse("server: {port: eighty}")).getMessage())
                .isEqualTo("server.port: eighty is not a valid whole number");
        assertThat(catchThrowableOfType(ConfigException.class, () -> loader.parse("routes: {name: a}")).getMessage())
                .isEqualTo("routes: expected list");
    }

    @Test
    void plainHttpOnlyForLocalUpstreams() {
        assertThat(UrlRules.upstreamProblem("http://127.0.0.1:8000/v1")).isNull();
        assertThat(UrlRules.upstreamProblem("http://10.0.0.5:8000/v1")).isNull();
        assertThat(UrlRules.upstreamProblem("http://localhost:11434")).isNull();
        assertThat(UrlRules.upstreamProblem("http://vllm:8000/v1")).isNull();
        assertThat(UrlRules.upstreamProblem("https://api.example.com/v1")).isNull();
        assertThat(UrlRules.upstreamProblem("https://{resource}.example.com/deployments/{deployment}")).isNull();
        assertThat(UrlRules.upstreamProblem("http://api.example.com/v1")).contains("loopback and private hosts only");
        assertThat(UrlRules.upstreamProblem("http://8.8.8.8/v1")).contains("loopback and private hosts only");
        assertThat(UrlRules.upstreamProblem("/v1")).isEqualTo("not an absolute https URL");
        assertThat(UrlRules.upstreamProblem("https://x.com/v1?key=1")).contains("query");
    }

    @Test
    void duplicateRoutesAndCustomProvidersAreRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader.parse("""
                custom_providers:
                  - {slug: local, base_url: "http://127.0.0.1:1/v1"}
                  - {slug: local, base_url: "http://127.0.0.1:2/v1", auth: magic}
                routes:
                  - {name: a, prefix: /x}
                  - {name: a, prefix: /x}
                """));
        assertThat(e.problems()).contains(
                "custom_providers[1].slug: local is declared twice",
                "custom_providers[1].auth: magic (expected: bearer, x-api-key, api-key or none)",
                "routes[1].name: a is used by another route",
                "routes[1].prefix: /x is served by another route");
    }

    @Test
    void routeSettingsFromAHostAreValidatedRelativeToTheRoute() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> loader.parseRoute("{\"max_body_bytes\": -1}"));
        assertThat(e.getMessage()).isEqualTo("max_body_bytes: -1 (expected: 1..536870912)");
        assertThat(loader.parseRoute("").name()).isEqualTo("default");
    }

    @Test
    void malformedYamlSaysWhere() {
        assertThat(catchThrowableOfType(ConfigException.class, () -> loader.parse("routes: [\n  {name: a")).getMessage())
                .startsWith("not valid YAML or JSON");
    }
}
