package dev.fairway.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fairway.config.Problems;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Cloudflare's Dynamic Routing JSON in, a graph out, or every mistake named by element and field. */
class FlowParserTest {
    private static final JsonMapper JSON = new JsonMapper();
    private static final FlowParser PARSER = new FlowParser(Set.of("openai", "anthropic")::contains);

    /** The elements of Cloudflare's JSON Configuration page, wired together, with keys the editor adds. */
    static final String CLOUDFLARE = """
            {"id": "r1", "name": "support", "elements": [
              {"id": "start", "type": "start", "position": {"x": 0, "y": 0}, "outputs": {"next": {"elementId": "plan"}}},
              {"id": "plan", "type": "conditional", "properties": {"condition": {"metadata.plan": {"$eq": "free"}}},
               "outputs": {"true": {"elementId": "limit"}, "false": {"elementId": "split"}}},
              {"id": "limit", "type": "rate_limit",
               "properties": {"limitType": "count", "key": "metadata.user_id", "limit": 100, "interval": 3600, "technique": "sliding"},
               "outputs": {"success": {"elementId": "mini"}, "fallback": {"elementId": "claude"}}},
              {"id": "split", "type": "percentage", "outputs": {"10%": {"elementId": "claude"}, "50%": {"elementId": "mini"}, "else": {"elementId": "big"}}},
              {"id": "mini", "type": "model", "properties": {"provider": "openai", "model": "gpt-4o-mini", "timeout": 60000, "retries": 4}, "outputs": {"success": {"elementId": "end"}, "fallback": {"elementId": "claude"}}},
              {"id": "big", "type": "model", "properties": {"provider": "openai", "model": "gpt-4o"}, "outputs": {"success": {"elementId": "end"}}},
              {"id": "claude", "type": "model", "properties": {"provider": "anthropic", "model": "claude-sonnet-4-5"}, "outputs": {"success": {"elementId": "end"}}},
              {"id": "end", "type": "end"}
            ]}
            """;

    @Test
    void cloudflaresShapeLoads() {
        Problems problems = new Problems();
        FlowGraph g = PARSER.parse(json(CLOUDFLARE), problems);
        assertThat(problems.messages()).isEmpty();
        assertThat(g.start().next()).isEqualTo("plan");
        Node.Limit limit = (Node.Limit) g.node("limit");
        assertThat(limit.type()).isEqualTo(Node.LimitType.COUNT);
        assertThat(limit.sliding()).isTrue();
        assertThat(limit.intervalSeconds()).isEqualTo(3600);
        Node.Percentage split = (Node.Percentage) g.node("split");
        assertThat(split.shares()).extracting(Node.Share::basisPoints).containsExactly(1000, 5000);
        assertThat(split.otherwise()).isEqualTo("big");
        Node.Model mini = (Node.Model) g.node("mini");
        assertThat(mini.timeoutMs()).isEqualTo(60000);
        assertThat(mini.retries()).isEqualTo(4);
        assertThat(mini.fallback()).isEqualTo("claude");
    }

    @Test
    void aCycleIsRefusedNamingTheElement() {
        String cyclic = CLOUDFLARE.replace("\"retries\": 4}, \"outputs\": {\"success\": {\"elementId\": \"end\"}, \"fallback\": {\"elementId\": \"claude\"}}",
                "\"retries\": 4}, \"outputs\": {\"success\": {\"elementId\": \"end\"}, \"fallback\": {\"elementId\": \"plan\"}}");
        assertThat(cyclic).isNotEqualTo(CLOUDFLARE);
        assertThat(problems(cyclic)).anySatisfy(m -> assertThat(m).startsWith("elements[4](mini).outputs").contains("plan", "cycle"));
    }

    @Test
    void aDanglingOutputIsRefusedNamingTheElement() {
        assertThat(problems(CLOUDFLARE.replace("\"else\": {\"elementId\": \"big\"}", "\"else\": {\"elementId\": \"nowhere\"}")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[3](split).outputs").contains("nowhere", "dangling"));
    }

    @Test
    void aSplitShortOf100WithoutElseIsRefused() {
        assertThat(problems(CLOUDFLARE.replace(", \"else\": {\"elementId\": \"big\"}", "")))
                .containsExactly("elements[3](split).outputs.else: missing: the shares sum to 60.0% (expected: an else output for the remaining 40.0%)");
    }

    @Test
    void sharesOver100AreRefused() {
        assertThat(problems(CLOUDFLARE.replace("\"10%\"", "\"60%\"")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[3](split).outputs").contains("110.0%", "at most 100%"));
    }

    @Test
    void aConditionalWithoutFalseIsRefused() {
        assertThat(problems(CLOUDFLARE.replace(", \"false\": {\"elementId\": \"split\"}", "")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[1](plan).outputs.false: missing"));
    }

    @Test
    void badPropertiesAreNamed() {
        assertThat(problems(CLOUDFLARE.replace("\"retries\": 4", "\"retries\": 9"))).containsExactly("elements[4](mini).properties.retries: 9.0 (expected: 0 to 4)");
        assertThat(problems(CLOUDFLARE.replace("\"limitType\": \"count\"", "\"limitType\": \"tokens\"")))
                .containsExactly("elements[2](limit).properties.limitType: tokens (expected: count or cost)");
        assertThat(problems(CLOUDFLARE.replace("\"interval\": 3600", "\"intervall\": 3600")))
                .contains("elements[2](limit).properties.interval: missing (expected: a number)", "elements[2](limit).properties.intervall: unknown property");
        assertThat(problems(CLOUDFLARE.replace("\"provider\": \"openai\", \"model\": \"gpt-4o\"", "\"provider\": \"nope\", \"model\": \"gpt-4o\"")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[5](big).properties.provider: nope"));
        assertThat(problems(CLOUDFLARE.replace("{\"$eq\": \"free\"}", "{\"$like\": \"free\"}")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[1](plan).properties.condition.metadata.plan.$like: unknown operator"));
    }

    @Test
    void graphShapeMistakesAreNamed() {
        assertThat(problems(CLOUDFLARE.replace("\"type\": \"end\"", "\"type\": \"finish\"")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[7](end).type: \"finish\""));
        assertThat(problems(CLOUDFLARE.replace("{\"id\": \"end\", \"type\": \"end\"}", "{\"id\": \"end\", \"type\": \"start\", \"outputs\": {\"next\": {\"elementId\": \"big\"}}}")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[7](end).type: a second start element"));
        assertThat(problems(CLOUDFLARE.replace("\"success\": {\"elementId\": \"end\"}, \"fallback\": {\"elementId\": \"claude\"}",
                "\"success\": {\"elementId\": \"claude\"}")))
                .anySatisfy(m -> assertThat(m).startsWith("elements[4](mini).outputs.success: claude is not an end element"));
        assertThat(problems("{\"elements\": [{\"id\": \"end\", \"type\": \"end\"}]}")).containsExactly("elements: no start element (expected: exactly one element of type start)");
        assertThat(problems("{\"elements\": [{\"id\": \"a\", \"type\": \"start\", \"outputs\": {\"next\": {\"elementId\": \"a\"}}}]}"))
                .anySatisfy(m -> assertThat(m).startsWith("elements[0](a).outputs").contains("start element"));
    }

    private static List<String> problems(String text) {
        Problems problems = new Problems();
        FlowGraph g = PARSER.parse(json(text), problems);
        assertThat(g).isNull();
        return problems.messages();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
