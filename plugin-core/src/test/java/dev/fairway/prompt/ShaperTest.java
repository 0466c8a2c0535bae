package dev.fairway.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.plan.Choices;
import dev.fairway.plan.RequestShaper;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShaperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig CONFIG = ConfigLoader.withEnv(Map.of()).parse("""
            prompts:
              - name: support-answer
                versions:
                  - messages:
                      - {role: system, content: "You answer for {{company}}."}
                      - {role: user, content: "{{question}}"}
                    model: gpt-4o-mini
                    parameters: {temperature: 0.2, max_tokens: 100}
                  - messages:
                      - {role: system, content: "You answer for {{ company }}, briefly."}
                      - {role: user, content: "{{question}}"}
                    model: gpt-4o
            routes:
              - name: r
                experiments:
                  - name: tone
                    prompt: support-answer
                    key: metadata.user
                    arms:
                      - {name: control, percent: 70, version: 1}
                      - {name: brief, percent: 30, version: 2, model: gpt-4.1-mini}
                  - name: cheaper
                    model: gpt-4o
                    arms:
                      - {name: keep, percent: 50, model: gpt-4o}
                      - {name: mini, percent: 50, model: gpt-4o-mini}
              - name: plain
                prefix: /plain
            """);
    private static final RouteConfig ROUTE = CONFIG.routes().get(0);
    private static final RouteConfig PLAIN = CONFIG.routes().get(1);

    private final Shaper shaper = new Shaper(new PromptRepository(CONFIG.prompts()), new Random(3)::nextDouble);

    private RequestShaper.Shaped shape(RouteConfig route, String prompt, String body, String... more) {
        Headers h = new Headers().set("content-type", "application/json");
        if (prompt != null) {
            h.set("fairway-prompt", prompt);
        }
        for (int i = 0; i < more.length; i += 2) {
            h.set(more[i], more[i + 1]);
        }
        CfAigHeaders cfAig = CfAigHeaderParser.parse(h, false);
        return shaper.shape(route, cfAig, h, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(RequestShaper.Shaped s) throws Exception {
        return JSON.readTree(s.body());
    }

    @Test
    void aPinnedVersionIsRenderedWithTheVariablesAndTheRequestsOwnFields() throws Exception {
        RequestShaper.Shaped s = shape(PLAIN, "support-answer@1",
                "{\"variables\":{\"company\":\"Acme\",\"question\":\"Where is my order?\"},\"stream\":true,\"max_tokens\":50,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"and fast\"}]}");
        JsonNode body = json(s);
        assertThat(body.get("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.get("temperature").asDouble()).isEqualTo(0.2);
        assertThat(body.get("max_tokens").asInt()).as("the request's field wins").isEqualTo(50);
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.has("variables")).isFalse();
        assertThat(body.get("messages")).hasSize(3);
        assertThat(body.at("/messages/0/content").asText()).isEqualTo("You answer for Acme.");
        assertThat(body.at("/messages/1/content").asText()).isEqualTo("Where is my order?");
        assertThat(body.at("/messages/2/content").asText()).isEqualTo("and fast");
        assertThat(s.choices()).isEqualTo(new Choices("support-answer", 1, null, null));
    }

    @Test
    void latestIsTheNewestVersionAndTheRequestsModelWinsOverTheTemplates() throws Exception {
        RequestShaper.Shaped s = shape(PLAIN, "support-answer@latest", "{\"model\":\"gpt-5\",\"variables\":{\"company\":\"A\",\"question\":\"Q\"}}");
        assertThat(json(s).at("/messages/0/content").asText()).isEqualTo("You answer for A, briefly.");
        assertThat(json(s).get("model").asText()).isEqualTo("gpt-5");
        assertThat(s.choices().promptVersion()).isEqualTo(2);
        assertThat(shape(PLAIN, "support-answer", "{\"variables\":{\"company\":\"A\",\"question\":\"Q\"}}").choices().promptVersion()).isEqualTo(2);
    }

    @Test
    void aMissingVariableIsA400NamingIt() {
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", "{\"variables\":{\"company\":\"Acme\"}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "variables.question");
                    assertThat(e.getMessage()).contains("support-answer@1");
                });
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", ""))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.details()).containsEntry("field", "variables.company"));
    }

    @Test
    void anUnknownVariableIsA400NamingIt() {
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", "{\"variables\":{\"company\":\"A\",\"question\":\"Q\",\"tone\":\"dry\"}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.details()).containsEntry("field", "variables.tone");
                });
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", "{\"variables\":{\"company\":{\"x\":1},\"question\":\"Q\"}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.details()).containsEntry("field", "variables.company"));
    }

    @Test
    void anUnknownPromptOrVersionIsA404NamingIt() {
        assertThatThrownBy(() -> shape(PLAIN, "nope@1", "{}")).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.details()).containsEntry("prompt", "nope");
        });
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@3", "{}")).isInstanceOfSatisfying(GatewayError.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.details()).containsEntry("version", 3);
            assertThat(e.getMessage()).contains("support-answer@3");
        });
    }

    @Test
    void aMalformedHeaderIsA400NamingIt() {
        for (String bad : new String[] {"support-answer@", "support-answer@v2", "@3", "a b@1", "x@-1"}) {
            assertThatThrownBy(() -> shape(PLAIN, bad, "{}")).as(bad).isInstanceOfSatisfying(GatewayError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.details()).containsEntry("header", "fairway-prompt");
            });
        }
    }

    @Test
    void aBodyThatIsNoObjectIsA400() {
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", "[1]")).isInstanceOfSatisfying(GatewayError.class,
                e -> assertThat(e.details()).containsEntry("field", "body"));
        assertThatThrownBy(() -> shape(PLAIN, "support-answer@1", "{\"variables\":{\"company\":\"A\",\"question\":\"Q\"},\"messages\":{}}"))
                .isInstanceOfSatisfying(GatewayError.class, e -> assertThat(e.details()).containsEntry("field", "messages"));
    }

    @Test
    void anExperimentSplitsUsersByPercentageWithinTwoPercentAndKeepsEachUserInOneArm() throws Exception {
        String vars = "{\"variables\":{\"company\":\"A\",\"question\":\"Q\"}}";
        Map<String, String> armOf = new HashMap<>();
        int brief = 0;
        for (int u = 0; u < 10_000; u++) {
            RequestShaper.Shaped s = shape(ROUTE, "support-answer", vars, "cf-aig-metadata", "{\"user\":\"user-" + u + "\"}");
            armOf.put("user-" + u, s.choices().arm());
            if (s.choices().arm().equals("brief")) {
                brief++;
                assertThat(s.choices().promptVersion()).isEqualTo(2);
                assertThat(json(s).get("model").asText()).isEqualTo("gpt-4.1-mini");
            } else {
                assertThat(s.choices().promptVersion()).isEqualTo(1);
            }
            assertThat(s.choices().experiment()).isEqualTo("tone");
        }
        assertThat(brief / 10_000.0).isCloseTo(0.30, within(0.02));
        for (int u = 0; u < 200; u++) {
            String user = "user-" + u;
            assertThat(shape(ROUTE, "support-answer@latest", vars, "cf-aig-metadata", "{\"user\":\"" + user + "\"}").choices().arm())
                    .as("same user, same arm").isEqualTo(armOf.get(user));
        }
    }

    @Test
    void withoutTheKeysValueEachRequestIsDrawnAnew() {
        String vars = "{\"variables\":{\"company\":\"A\",\"question\":\"Q\"}}";
        int brief = 0;
        for (int i = 0; i < 10_000; i++) {
            brief += shape(ROUTE, "support-answer", vars).choices().arm().equals("brief") ? 1 : 0;
        }
        assertThat(brief / 10_000.0).isCloseTo(0.30, within(0.02));
    }

    @Test
    void aPinnedVersionTakesNoPartInTheExperiment() {
        Choices c = shape(ROUTE, "support-answer@1", "{\"variables\":{\"company\":\"A\",\"question\":\"Q\"}}").choices();
        assertThat(c.experiment()).isNull();
        assertThat(c.arm()).isNull();
    }

    @Test
    void aModelExperimentRenamesTheModelOfTheArm() throws Exception {
        int mini = 0;
        for (int i = 0; i < 1_000; i++) {
            RequestShaper.Shaped s = shape(ROUTE, null, "{\"model\":\"gpt-4o\",\"messages\":[]}");
            assertThat(s.choices().experiment()).isEqualTo("cheaper");
            String model = json(s).get("model").asText();
            assertThat(model).isEqualTo(s.choices().arm().equals("mini") ? "gpt-4o-mini" : "gpt-4o");
            mini += s.choices().arm().equals("mini") ? 1 : 0;
        }
        assertThat(mini).isBetween(400, 600);
        byte[] other = "{\"model\":\"gpt-5\"}".getBytes(StandardCharsets.UTF_8);
        RequestShaper.Shaped untouched = shape(ROUTE, null, "{\"model\":\"gpt-5\"}");
        assertThat(untouched.body()).isEqualTo(other);
        assertThat(untouched.choices()).isEqualTo(Choices.NONE);
    }

    @Test
    void theArmOfAPointFollowsTheCumulativePercentages() {
        ExperimentSettings tone = ROUTE.experiments().get(0);
        assertThat(ArmChooser.arm(tone, 0).name()).isEqualTo("control");
        assertThat(ArmChooser.arm(tone, 6_999).name()).isEqualTo("control");
        assertThat(ArmChooser.arm(tone, 7_000).name()).isEqualTo("brief");
        assertThat(ArmChooser.arm(tone, 9_999).name()).isEqualTo("brief");
    }
}
