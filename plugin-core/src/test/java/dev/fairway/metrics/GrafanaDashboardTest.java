package dev.fairway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 26, dashboards: every query of examples/grafana/fairway.json (panels and template variables)
 * names only metrics that a gateway exports, read from a live scrape of a gateway after traffic.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "examples", "grafana", "fairway.json");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "offset", "and", "or", "unless", "inf", "nan");
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"dashboard\"}]}";

    /** The metric names a PromQL expression (or a Grafana label_values query) reads. */
    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher labelValues = Pattern.compile("^label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(expr.strip());
        if (labelValues.find()) {
            names.add(labelValues.group(1));
            return names;
        }
        String s = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String token = m.group();
            boolean call = s.substring(m.end()).stripLeading().startsWith("(");
            boolean variable = m.start() > 0 && s.charAt(m.start() - 1) == '$';
            boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!call && !variable && !number && !KEYWORDS.contains(token.toLowerCase())) {
                names.add(token);
            }
        }
        return names;
    }

    @Test
    void theExtractorFindsMetricsButNotFunctionsLabelsOrVariables() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (le, route) (rate(fairway_ttfb_seconds_bucket{route=~\"$route\"}[$__rate_interval])))"))
                .containsExactly("fairway_ttfb_seconds_bucket");
        assertThat(metricNames("sum(rate(a_total{x=\"y\"}[5m])) / sum without (q) (b_total) * 3600")).containsExactly("a_total", "b_total");
        assertThat(metricNames("label_values(fairway_requests_total{route=~\"$route\"}, provider)")).containsExactly("fairway_requests_total");
    }

    @Test
    void everyQueryNamesAMetricTheGatewayExports() throws IOException, InterruptedException {
        List<String> queries = queries(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
        assertThat(queries).hasSizeGreaterThan(15);
        Set<String> exported;
        String text;
        try (GatewayHarness h = GatewayHarness.startWithAdmin("routes: [{name: chat, cache: {enabled: true}}]\n", MockOptions.defaults())) {
            assertThat(h.post("/openai/v1/chat/completions", CHAT).statusCode()).isEqualTo(200);
            assertThat(h.post("/openai/v1/chat/completions", CHAT).headers().firstValue("cf-aig-cache-status")).hasValue("HIT");
            assertThat(h.post("/openai/v1/chat/completions", CHAT.replace("gpt-4o", "gpt-4o-mini"), "x-mock-status", "500").statusCode())
                    .isEqualTo(500);
            assertThat(h.post("/openai/v1/chat/completions", CHAT.replace("}]}", "}],\"stream\":true}")).statusCode()).isEqualTo(200);
            text = scrape(h);
            exported = exported(text);
        }
        assertThat(exported).contains("fairway_requests_total", "gen_ai_client_token_usage_bucket", "jvm_memory_used_bytes");
        // The answer's own model (the mock names the requested one) labels the GenAI metrics; a failed
        // attempt's answer named none, so its label is empty, as the conventions leave it unset.
        assertThat(text).containsPattern("gen_ai_client_token_usage_count\\{[^}]*gen_ai_response_model=\"gpt-4o\"")
                .containsPattern("gen_ai_client_operation_duration_seconds_count\\{error_type=\"[^\"]+\",[^}]*gen_ai_request_model=\"gpt-4o-mini\",gen_ai_response_model=\"\"");
        for (String q : queries) {
            Set<String> names = metricNames(q);
            assertThat(names).as(q).isNotEmpty();
            assertThat(exported).as("exported metrics, for: " + q).containsAll(names);
        }
    }

    private static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.get("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.get("templating").get("list")) {
            if ("query".equals(variable.get("type").asText())) {
                out.add(variable.get("query").get("query").asText());
            }
        }
        return out;
    }

    private static String scrape(GatewayHarness h) throws IOException, InterruptedException {
        HttpResponse<String> r = h.http().send(HttpRequest.newBuilder(URI.create(h.adminUrl() + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/plain; version=0.0.4");
        return r.body();
    }

    /** The names of the samples in an exposition (a histogram's _bucket, _sum and _count each). */
    private static Set<String> exported(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                Matcher m = IDENTIFIER.matcher(line);
                if (m.lookingAt()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
