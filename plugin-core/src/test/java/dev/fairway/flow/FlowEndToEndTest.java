package dev.fairway.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.mock.Fault;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Routing flows through the standalone gateway and the mock provider: every element type, the headers, the admin API. */
class FlowEndToEndTest {
    private static GatewayHarness harness;

    @BeforeAll
    static void start() {
        harness = GatewayHarness.startWithAdmin("""
                routes:
                  - name: main
                  - name: other
                    prefix: /other
                    flows:
                      tiers: {version: 7, elements: [
                        {id: s, type: start, outputs: {next: {elementId: only}}},
                        {id: only, type: model, properties: {provider: mistral, model: mistral-small}, outputs: {success: {elementId: e}}},
                        {id: e, type: end}]}
                flows:
                  tiers:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: plan}}}
                      - id: plan
                        type: conditional
                        properties: {condition: {$or: [{metadata.plan: {$eq: paid}}, {headers.x-tier: gold}, {body.max_tokens: {$gt: 1000}}]}}
                        outputs: {"true": {elementId: paid}, "false": {elementId: free}}
                      - {id: paid, type: model, properties: {provider: anthropic, model: claude-sonnet-4-5}, outputs: {success: {elementId: end}}}
                      - {id: free, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  ab:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: split}}}
                      - {id: split, type: percentage, outputs: {"50%": {elementId: a}, "else": {elementId: b}}}
                      - {id: a, type: model, properties: {provider: openai, model: gpt-4o}, outputs: {success: {elementId: end}}}
                      - {id: b, type: model, properties: {provider: anthropic, model: claude-haiku-4-5}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  limited:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: per-user}}}
                      - id: per-user
                        type: rate_limit
                        properties: {limitType: count, key: metadata.user_id, limit: 2, interval: 3600, technique: fixed}
                        outputs: {success: {elementId: big}, fallback: {elementId: small}}
                      - {id: big, type: model, properties: {provider: openai, model: gpt-4o}, outputs: {success: {elementId: end}}}
                      - {id: small, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  budget:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: spend}}}
                      - id: spend
                        type: rate_limit
                        properties: {limitType: cost, key: metadata.team, limit: 0.000001, interval: 86400}
                        outputs: {success: {elementId: big}, fallback: {elementId: small}}
                      - {id: big, type: model, properties: {provider: openai, model: gpt-4o}, outputs: {success: {elementId: end}}}
                      - {id: small, type: model, properties: {provider: openai, model: gpt-4o-mini}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  strict:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: cap}}}
                      - {id: cap, type: rate_limit, properties: {limitType: count, key: metadata.user_id, limit: 1, interval: 3600}, outputs: {success: {elementId: m}}}
                      - {id: m, type: model, properties: {provider: openai, model: gpt-4o}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                  resilient:
                    elements:
                      - {id: start, type: start, outputs: {next: {elementId: flaky}}}
                      - {id: flaky, type: model, properties: {provider: openai, model: flaky-model, retries: 2}, outputs: {success: {elementId: end}, fallback: {elementId: slow}}}
                      - {id: slow, type: model, properties: {provider: openai, model: slow-model, timeout: 300}, outputs: {success: {elementId: end}, fallback: {elementId: safe}}}
                      - {id: safe, type: model, properties: {provider: anthropic, model: claude-haiku-4-5}, outputs: {success: {elementId: end}}}
                      - {id: end, type: end}
                """, MockOptions.builder()
                .fault(r -> r.model().filter("flaky-model"::equals).isPresent(), Fault.status(500))
                .fault(r -> r.model().filter("slow-model"::equals).isPresent(), Fault.builder().firstByteDelay(Duration.ofSeconds(3)).build())
                .build());
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @Test
    void conditionalRoutesOnMetadataHeaderAndBody() {
        assertServed(chat("tiers", ""), "openai", "gpt-4o-mini", "tiers@1; branch=free");
        assertServed(chat("tiers", "", "cf-aig-metadata", "{\"plan\":\"paid\"}"), "anthropic", "claude-sonnet-4-5", "tiers@1; branch=paid");
        assertServed(chat("tiers", "", "x-tier", "gold"), "anthropic", "claude-sonnet-4-5", "tiers@1; branch=paid");
        assertServed(chat("tiers", ",\"max_tokens\":2000"), "anthropic", "claude-sonnet-4-5", "tiers@1; branch=paid");
        assertThat(harness.mock().requests().get(harness.mock().requests().size() - 1).model()).hasValue("claude-sonnet-4-5");
    }

    @Test
    void aRoutesOwnFlowShadowsTheProcessWideOne() {
        assertServed(harness.post("/other/compat/chat/completions", body("tiers", "")), "mistral", "mistral-small", "tiers@7; branch=only");
    }

    @Test
    void percentageSplitServesBothBranchesAndSaysWhich() {
        Set<String> branches = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = chat("ab", "");
            assertThat(r.statusCode()).isEqualTo(200);
            String branch = r.headers().firstValue("fairway-flow").orElseThrow();
            branches.add(branch);
            assertThat(r.headers().firstValue("cf-aig-model")).hasValue(branch.endsWith("branch=a") ? "gpt-4o" : "claude-haiku-4-5");
        }
        // 40 fair draws all landing on one side happen with probability 2^-39.
        assertThat(branches).containsExactlyInAnyOrder("ab@1; branch=a", "ab@1; branch=b");
    }

    @Test
    void aRateLimitSwitchesToItsFallbackPerKey() {
        String alice = "{\"user_id\":\"alice\"}";
        assertServed(chat("limited", "", "cf-aig-metadata", alice), "openai", "gpt-4o", "limited@1; branch=big");
        assertServed(chat("limited", "", "cf-aig-metadata", alice), "openai", "gpt-4o", "limited@1; branch=big");
        assertServed(chat("limited", "", "cf-aig-metadata", alice), "openai", "gpt-4o-mini", "limited@1; branch=small");
        assertServed(chat("limited", "", "cf-aig-metadata", "{\"user_id\":\"bob\"}"), "openai", "gpt-4o", "limited@1; branch=big");
    }

    @Test
    void anExceededLimitWithoutFallbackIsA429NamingTheElement() {
        String carol = "{\"user_id\":\"carol\"}";
        assertThat(chat("strict", "", "cf-aig-metadata", carol).statusCode()).isEqualTo(200);
        int before = harness.mock().requestCount();
        HttpResponse<String> r = chat("strict", "", "cf-aig-metadata", carol);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.body()).contains("\"node\":\"cap\"", "\"flow\":\"strict\"");
        assertThat(harness.mock().requestCount()).isEqualTo(before);
    }

    @Test
    void aSpentBudgetSwitchesToItsFallback() {
        String team = "{\"team\":\"blue\"}";
        // The first answer's cost (priced gpt-4o usage) overdraws the one-micro-dollar budget.
        assertServed(chat("budget", "", "cf-aig-metadata", team), "openai", "gpt-4o", "budget@1; branch=big");
        HttpResponse<String> next = null;
        for (int i = 0; i < 50; i++) {
            next = chat("budget", "", "cf-aig-metadata", team);
            if (next.headers().firstValue("fairway-flow").orElse("").endsWith("branch=small")) {
                break;
            }
            sleep(20); // the charge lands once the first exchange completes
        }
        assertServed(next, "openai", "gpt-4o-mini", "budget@1; branch=small");
        assertServed(chat("budget", "", "cf-aig-metadata", "{\"team\":\"red\"}"), "openai", "gpt-4o", "budget@1; branch=big");
    }

    @Test
    void aModelRetriesThenFallsBackAndATimeoutMovesOn() {
        int before = harness.mock().requestCount();
        HttpResponse<String> r = chat("resilient", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-model")).hasValue("claude-haiku-4-5");
        assertThat(r.headers().firstValue("cf-aig-step")).hasValue("2");
        assertThat(r.headers().firstValue("fairway-flow")).hasValue("resilient@1; branch=flaky");
        var seen = harness.mock().requests().subList(before, harness.mock().requestCount()).stream()
                .map(q -> q.model().orElse("")).toList();
        // retries: 2 is three attempts at flaky-model; slow-model's 300 ms timeout passes before its first byte.
        assertThat(seen).containsExactly("flaky-model", "flaky-model", "flaky-model", "slow-model", "claude-haiku-4-5");
    }

    @Test
    void unknownFlowsAre404() {
        HttpResponse<String> r = chat("nope", "");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("no flow nope");
    }

    @Test
    void theRestApiShapeTakesFlowsToo() {
        HttpResponse<String> r = harness.post("/client/v4/accounts/acct/ai/v1/chat/completions", body("tiers", ""), "cf-aig-metadata", "{\"plan\":\"paid\"}");
        assertServed(r, "anthropic", "claude-sonnet-4-5", "tiers@1; branch=paid");
    }

    @Test
    void universalCompatStepsTakeFlows() {
        String steps = "[{\"provider\":\"compat\",\"endpoint\":\"chat/completions\",\"headers\":{},\"query\":"
                + body("tiers", "") + "},{\"provider\":\"compat\",\"endpoint\":\"chat/completions\",\"headers\":{},\"query\":"
                + "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello flow\"}]}}]";
        assertServed(harness.post("/", steps, "cf-aig-metadata", "{\"plan\":\"paid\"}"), "anthropic", "claude-sonnet-4-5", "tiers@1; branch=paid");
        HttpResponse<String> unknown = harness.post("/", steps.replace("dynamic/tiers", "dynamic/none"));
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void adminApiVersionsAndRollsBack() throws Exception {
        String flow = """
                {"name": "canary", "elements": [
                  {"id": "s", "type": "start", "outputs": {"next": {"elementId": "m"}}},
                  {"id": "m", "type": "model", "properties": {"provider": "openai", "model": "MODEL"}, "outputs": {"success": {"elementId": "e"}}},
                  {"id": "e", "type": "end"}]}""";
        assertThat(admin("PUT", "/flows/canary", flow.replace("MODEL", "gpt-4o")).statusCode()).isEqualTo(201);
        HttpResponse<String> v2 = admin("PUT", "/flows/canary", flow.replace("MODEL", "gpt-4.1"));
        assertThat(v2.statusCode()).isEqualTo(201);
        assertThat(v2.body()).contains("\"version\":2", "\"origin\":\"admin\"");
        assertServed(chat("canary", ""), "openai", "gpt-4.1", "canary@2; branch=m");
        assertServed(chat("canary@1", ""), "openai", "gpt-4o", "canary@1; branch=m");
        assertServed(chat("canary@v1", ""), "openai", "gpt-4o", "canary@1; branch=m");
        HttpResponse<String> got = admin("GET", "/flows/canary", "");
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.body()).contains("\"active_version\":2", "\"model\":\"gpt-4.1\"");
        HttpResponse<String> back = admin("POST", "/flows/canary/rollback", "");
        assertThat(back.statusCode()).isEqualTo(200);
        assertThat(back.body()).contains("\"version\":1");
        assertServed(chat("canary", ""), "openai", "gpt-4o", "canary@1; branch=m");
        assertThat(admin("POST", "/flows/canary/rollback", "{\"version\": 9}").statusCode()).isEqualTo(404);
    }

    @Test
    void theAdminApiRefusesAnInvalidGraphNamingTheElement() throws Exception {
        HttpResponse<String> r = admin("PUT", "/flows/broken", """
                {"elements": [
                  {"id": "s", "type": "start", "outputs": {"next": {"elementId": "split"}}},
                  {"id": "split", "type": "percentage", "outputs": {"30%": {"elementId": "m"}}},
                  {"id": "m", "type": "model", "properties": {"provider": "openai", "model": "gpt-4o", "retries": 7}, "outputs": {"success": {"elementId": "e"}}},
                  {"id": "e", "type": "end"}]}""");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("elements[1](split).outputs.else: missing", "elements[2](m).properties.retries: 7.0 (expected: 0 to 4)");
        assertThat(admin("GET", "/flows/broken", "").statusCode()).isEqualTo(404);
        assertThat(admin("PUT", "/flows/bad name", "{}").statusCode()).isEqualTo(400);
    }

    private static HttpResponse<String> admin(String method, String path, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(harness.adminUrl() + path.replace(" ", "%20")))
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json").timeout(Duration.ofSeconds(20)).build();
        return harness.http().send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(String flow, String extra, String... headers) {
        return harness.post("/compat/chat/completions", body(flow, extra), headers);
    }

    private static String body(String flow, String extra) {
        return "{\"model\":\"dynamic/" + flow + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello flow\"}]" + extra + "}";
    }

    private static void assertServed(HttpResponse<String> r, String provider, String model, String flow) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("cf-aig-provider")).hasValue(provider);
        assertThat(r.headers().firstValue("cf-aig-model")).hasValue(model);
        assertThat(r.headers().firstValue("fairway-flow")).hasValue(flow);
        assertThat(r.body()).contains("Echo: Hello flow");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
