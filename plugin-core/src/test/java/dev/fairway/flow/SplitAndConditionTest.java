package dev.fairway.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fairway.config.Problems;
import dev.fairway.http.Headers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The percentage split's draw and the conditional's operators, directly. */
class SplitAndConditionTest {

    @Test
    void aSplitGivesEachOutputItsShareWithin2PercentOver10000Requests() {
        Node.Percentage p = new Node.Percentage("split", List.of(new Node.Share("10%", 1000, "a"), new Node.Share("55%", 5500, "b")), "c");
        Random seeded = new Random(25);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            seen.merge(Split.choose(p, seeded::nextDouble), 1, Integer::sum);
        }
        assertThat(seen.get("a")).isBetween(800, 1200);
        assertThat(seen.get("b")).isBetween(5300, 5700);
        assertThat(seen.get("c")).isBetween(3300, 3700);
    }

    @Test
    void drawsAtTheEdgesLandInTheRightOutput() {
        Node.Percentage p = new Node.Percentage("split", List.of(new Node.Share("50%", 5000, "a"), new Node.Share("50%", 5000, "b")), null);
        assertThat(Split.choose(p, () -> 0.0)).isEqualTo("a");
        assertThat(Split.choose(p, () -> 0.4999)).isEqualTo("a");
        assertThat(Split.choose(p, () -> 0.5)).isEqualTo("b");
        assertThat(Split.choose(p, () -> 0.99999999)).isEqualTo("b");
    }

    @Test
    void operatorsOverMetadataHeadersAndBody() {
        RequestView r = new RequestView(Map.of("plan", "free", "age", 42L, "beta", true),
                Headers.fromMap(Map.of("x-tier", "gold")),
                FlowParserTest.json("{\"model\": \"dynamic/x\", \"max_tokens\": 900, \"messages\": [{\"role\": \"user\"}]}"));
        assertThat(test("{\"metadata.plan\": \"free\"}", r)).isTrue();
        assertThat(test("{\"metadata.plan\": {\"$ne\": \"free\"}}", r)).isFalse();
        assertThat(test("{\"metadata.plan\": {\"$in\": [\"pro\", \"free\"]}}", r)).isTrue();
        assertThat(test("{\"metadata.plan\": {\"$nin\": [\"pro\", \"free\"]}}", r)).isFalse();
        assertThat(test("{\"metadata.user\": {\"$exists\": false}}", r)).isTrue();
        assertThat(test("{\"metadata.age\": {\"$gte\": 42, \"$lt\": 43}}", r)).isTrue();
        assertThat(test("{\"metadata.age\": {\"$gt\": 42}}", r)).isFalse();
        assertThat(test("{\"metadata.beta\": true}", r)).isTrue();
        assertThat(test("{\"headers.X-Tier\": \"gold\"}", r)).isTrue();
        assertThat(test("{\"body.max_tokens\": {\"$gt\": 512}}", r)).isTrue();
        assertThat(test("{\"body.messages.0.role\": \"user\"}", r)).isTrue();
        assertThat(test("{\"$or\": [{\"metadata.plan\": \"pro\"}, {\"headers.x-tier\": \"gold\"}]}", r)).isTrue();
        assertThat(test("{\"$and\": [{\"metadata.plan\": \"free\"}, {\"headers.x-tier\": \"silver\"}]}", r)).isFalse();
        // Text that is not a number never compares.
        assertThat(test("{\"metadata.plan\": {\"$gt\": 1}}", r)).isFalse();
    }

    private static boolean test(String condition, RequestView r) {
        Problems problems = new Problems();
        Condition c = Condition.parse(FlowParserTest.json(condition), problems);
        assertThat(problems.messages()).isEmpty();
        return c.test(r);
    }
}
