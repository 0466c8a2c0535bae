package dev.fairway.admin;

import static dev.fairway.admin.LogsApiEndToEndTest.call;
import static dev.fairway.admin.LogsApiEndToEndTest.ids;
import static dev.fairway.admin.LogsApiEndToEndTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's Logs view in headless chromium over known traffic: each filter shows exactly the
 * records expected, a record's bodies and stream are shown, feedback survives a reload, the analytics
 * tables and the time-series charts link into the logs they count, and erased records leave the view
 * while verify-logs passes.
 */
class LogsViewBrowserTest {
    private static final String STREAM = """
            {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""";
    private static final String MARKUP = "<img id=pwn src=x>";

    @AutoClose("quit")
    private final WebDriver browser;
    @AutoClose
    private GatewayHarness harness;

    LogsViewBrowserTest(@TempDir Path profile) {
        browser = HeadlessChromium.start(profile);
    }

    @Test
    void filtersDetailFeedbackAnalyticsLinksAndErasure() throws Exception {
        String spool = GatewayHarness.tempDir("fairway-logs-view");
        harness = GatewayHarness.startWithAdmin("logs: {spool_dir: '" + spool + "'}\n", MockOptions.defaults());
        AdminEndToEndTest.Sent sent = AdminEndToEndTest.sendKnownTraffic(harness);
        HttpResponse<String> streamed = harness.post("/openai/v1/chat/completions", STREAM,
                "cf-aig-metadata", "{\"team\":\"" + MARKUP.replace("\"", "\\\"") + "\"}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        String streamId = streamed.headers().firstValue("cf-aig-log-id").orElseThrow();
        JsonNode all = json(call(harness, "GET", "/logs", null)).path("result");
        assertThat(all).hasSize(6);
        String anthropicId = only(all, r -> r.path("provider").asText().equals("anthropic"));

        browser.get(harness.adminUrl() + "/dashboard#/logs");
        int g = awaitLogs(0);
        assertThat(rows()).isEqualTo(ids(json(call(harness, "GET", "/logs", null))));

        g = filter(g, "log-provider", "anthropic");
        assertThat(rows()).containsExactly(anthropicId);
        g = clear(g);
        new Select(byId("log-success")).selectByValue("false");
        g = apply(g);
        assertThat(rows()).containsExactly(sent.failedLogId());
        g = clear(g);
        g = filter(g, "log-status", "500");
        assertThat(rows()).containsExactly(sent.failedLogId());
        g = clear(g);
        byId("log-meta-key").sendKeys("team");
        g = filter(g, "log-meta-value", "a");
        assertThat(rows()).hasSize(2).containsExactlyInAnyOrderElementsOf(
                expected(all, r -> r.path("metadata").path("team").asText().equals("a")));
        g = clear(g);
        new Select(byId("log-cached")).selectByValue("true");
        g = apply(g);
        assertThat(rows()).isEmpty();
        assertThat(byId("log-table").getText()).contains("No logs match these filters");
        g = clear(g);
        // Just under the dearest record, so only records near the top remain (never the free failed one).
        double minCost = all.findValues("cost_usd").stream().mapToDouble(JsonNode::asDouble).max().orElseThrow() * 0.999;
        g = filter(g, "log-min-cost", Double.toString(minCost));
        List<String> costly = expected(all, r -> r.path("cost_usd").asDouble() >= minCost);
        assertThat(costly).isNotEmpty().hasSizeLessThan(6);
        assertThat(rows()).containsExactlyInAnyOrderElementsOf(costly);
        g = clear(g);
        new Select(byId("log-sort")).selectByValue("duration");
        g = apply(g);
        assertThat(rows()).isEqualTo(ids(json(call(harness, "GET", "/logs?sort=duration&order=desc", null))));
        g = clear(g);
        long minDuration = all.findValues("duration_ms").stream().mapToLong(JsonNode::asLong).sorted().skip(3).findFirst().orElseThrow();
        g = filter(g, "log-min-duration", Long.toString(minDuration));
        assertThat(rows()).containsExactlyInAnyOrderElementsOf(expected(all, r -> r.path("duration_ms").asLong() >= minDuration));
        g = clear(g);
        setRange(60, 2);
        g = apply(g);
        assertThat(rows()).hasSize(6);
        setRange(-60, 120);
        g = apply(g);
        assertThat(rows()).isEmpty();

        // Cursor paging: two at a time, "More" until the last page.
        load("#/logs?limit=2&sort=time&order=asc");
        g = awaitLogs(0);
        assertThat(rows()).hasSize(2);
        byId("log-more").click();
        g = awaitLogs(g);
        byId("log-more").click();
        g = awaitLogs(g);
        assertThat(rows()).hasSize(6).doesNotHaveDuplicates();
        assertThat(byId("log-more").isDisplayed()).isFalse();

        // The detail panel: bodies pretty-printed, usage and cost as the API has them.
        int d = detailGeneration();
        browser.findElement(By.cssSelector("#log-table tr[data-log-id='" + anthropicId + "']")).click();
        d = awaitDetail(d, anthropicId);
        JsonNode record = json(call(harness, "GET", "/logs/" + anthropicId, null)).path("result");
        assertThat(byId("detail-request").getText()).contains("\"model\": \"claude-3-5-haiku\"");
        assertThat(byId("detail-response").getText()).isNotBlank()
                .contains(JSON_FIRST_TEXT.apply(record.path("response_body").asText()));
        assertThat(field("tokens in / out / cached")).startsWith(record.path("tokens_in").asText() + " / " + record.path("tokens_out").asText());
        assertThat(field("cache")).isEqualTo("miss");
        assertThat(field("provider")).isEqualTo("anthropic");
        assertThat(browser.getCurrentUrl()).endsWith("#/logs/" + anthropicId);
        HeadlessChromium.screenshot(browser, "logs-detail.png");

        // Feedback and score round-trip through PATCH and survive a reload of the deep link.
        byId("feedback-up").click();
        d = awaitDetail(d, anthropicId);
        byId("score-input").sendKeys("87");
        byId("score-save").click();
        awaitDetail(d, anthropicId);
        browser.navigate().refresh();
        awaitDetail(0, anthropicId);
        assertThat(byId("detail-feedback").getAttribute("data-feedback")).isEqualTo("1");
        assertThat(byId("detail-feedback").getAttribute("data-score")).isEqualTo("87");
        assertThat(browser.findElement(By.cssSelector("#log-table tr[data-log-id='" + anthropicId + "']")).getText())
                .contains("thumbs up 87");
        JsonNode patched = json(call(harness, "GET", "/logs/" + anthropicId, null)).path("result");
        assertThat(patched.path("feedback").asInt()).isEqualTo(1);
        assertThat(patched.path("score").asInt()).isEqualTo(87);

        // A stream: the final text and the raw events; client metadata shown as text, never as markup.
        JsonNode stream = json(call(harness, "GET", "/logs/" + streamId, null)).path("result").path("response_stream");
        load("#/logs/" + streamId);
        awaitDetail(0, streamId);
        assertThat(byId("detail-stream").isDisplayed()).isTrue();
        assertThat(byId("detail-response").getText()).isEqualTo(stream.path("final_text").asText()).isNotBlank();
        assertThat(byId("detail-events").getText()).isNotBlank();
        assertThat(field("metadata")).contains(MARKUP);
        assertThat(browser.findElements(By.id("pwn"))).isEmpty();

        // The analytics tables open the logs they count.
        load("");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> "loaded".equals(byId("status").getAttribute("data-state")));
        g = Integer.parseInt(byId("logs-status").getAttribute("data-generation"));
        browser.findElement(By.cssSelector("#top-providers tr[data-key='anthropic'] a")).click();
        awaitLogs(g);
        assertThat(byId("view-logs").isDisplayed()).isTrue();
        assertThat(byId("log-provider").getAttribute("value")).isEqualTo("anthropic");
        assertThat(rows()).containsExactly(anthropicId);

        // The charts link into the logs they count: with the dashboard filtered to anthropic, the
        // requests chart's bucket holding its record opens exactly it; the bucket before it, nothing.
        load("");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> "loaded".equals(byId("status").getAttribute("data-state")));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('filter-provider').value = 'anthropic';"
                + "document.getElementById('filters').requestSubmit();");
        awaitOnlyProvider("anthropic");
        long at = java.time.Instant.parse(record.path("created_at").asText()).toEpochMilli();
        // Read in one script: the dashboard re-renders its charts on refresh (elements go stale).
        @SuppressWarnings("unchecked")
        List<String> froms = (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from("
                + "document.querySelectorAll('#chart-requests a.bucket')).map(a => a.dataset.from + ' ' + a.dataset.to);");
        int holding = -1;
        for (int i = 0; i < froms.size(); i++) {
            String[] range = froms.get(i).split(" ");
            long from = java.time.Instant.parse(range[0]).toEpochMilli();
            long to = java.time.Instant.parse(range[1]).toEpochMilli();
            holding = from <= at && at < to ? i : holding;
        }
        assertThat(holding).as("a bucket of the requests chart holds %s", record.path("created_at")).isPositive();
        String holdingFrom = froms.get(holding).split(" ")[0];
        String earlier = froms.get(holding - 1).split(" ")[0];
        g = Integer.parseInt(byId("logs-status").getAttribute("data-generation"));
        browser.findElement(By.cssSelector("#chart-requests a.bucket[data-from='" + holdingFrom + "'] rect")).click();
        g = awaitLogs(g);
        assertThat(byId("view-logs").isDisplayed()).isTrue();
        assertThat(byId("log-provider").getAttribute("value")).isEqualTo("anthropic");
        assertThat(browser.getCurrentUrl()).contains("from=" + java.net.URLEncoder.encode(
                record.path("created_at").asText().substring(0, 16), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(rows()).containsExactly(anthropicId);
        load("");
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> "loaded".equals(byId("status").getAttribute("data-state")));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('filter-provider').value = 'anthropic';"
                + "document.getElementById('filters').requestSubmit();");
        awaitOnlyProvider("anthropic");
        g = Integer.parseInt(byId("logs-status").getAttribute("data-generation"));
        browser.findElement(By.cssSelector("#chart-requests a.bucket[data-from='" + earlier + "'] rect")).click();
        awaitLogs(g);
        assertThat(rows()).isEmpty();

        // Erasure through the API: the records leave the view, the chain still verifies.
        List<String> erased = ids(json(call(harness, "GET", "/logs?metadata.team=a", null)));
        assertThat(json(call(harness, "DELETE", "/logs?metadata.team=a", null)).path("result").path("deleted").asInt()).isEqualTo(2);
        load("#/logs");
        awaitLogs(0);
        assertThat(rows()).hasSize(4).doesNotContainAnyElementsOf(erased);
        load("#/logs/" + erased.get(0));
        awaitDetail(0, null);
        assertThat(byId("log-detail").isDisplayed()).isFalse();
        assertThat(byId("log-detail").getAttribute("data-state")).isEqualTo("error");
        HeadlessChromium.screenshot(browser, "logs.png");
        LogsApiEndToEndTest.assertChainVerifiesWithTombstone(harness, spool);
    }

    /** The first "text" value in a JSON body: what the page must show of the answer. */
    private static final java.util.function.Function<String, String> JSON_FIRST_TEXT = body -> {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).findValue("text").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    };

    private static String only(JsonNode all, Predicate<JsonNode> p) {
        List<String> ids = expected(all, p);
        assertThat(ids).hasSize(1);
        return ids.get(0);
    }

    private static List<String> expected(JsonNode all, Predicate<JsonNode> p) {
        List<String> out = new ArrayList<>();
        all.forEach(r -> {
            if (p.test(r)) {
                out.add(r.path("log_id").asText());
            }
        });
        return out;
    }

    /** Waits until the dashboard's provider table lists {@code provider} alone (its filter applied). */
    private void awaitOnlyProvider(String provider) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> provider.equals(((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('#top-providers tr[data-key]')).map(e => e.dataset.key).join(',');")));
    }

    /** Loads the page afresh at {@code hash} (a hash-only change would not reload it, and generations restart at 0). */
    private void load(String hash) {
        browser.get("about:blank");
        browser.get(harness.adminUrl() + "/dashboard" + hash);
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private List<String> rows() {
        return browser.findElements(By.cssSelector("#log-table tr[data-log-id]")).stream().map(e -> e.getAttribute("data-log-id")).toList();
    }

    private String field(String name) {
        return browser.findElement(By.cssSelector("#detail-fields tr[data-field='" + name + "'] td")).getText();
    }

    private void setRange(int fromMinutesAgo, int toMinutesAhead) {
        ((JavascriptExecutor) browser).executeScript(
                "const f = (d) => new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);"
                        + "document.getElementById('log-from').value = f(new Date(Date.now() - arguments[0] * 60e3));"
                        + "document.getElementById('log-to').value = f(new Date(Date.now() + arguments[1] * 60e3));",
                fromMinutesAgo, toMinutesAhead);
    }

    private int filter(int after, String field, String text) {
        WebElement input = byId(field);
        input.clear();
        input.sendKeys(text);
        return apply(after);
    }

    private int apply(int after) {
        byId("log-apply").click();
        return awaitLogs(after);
    }

    private int clear(int after) {
        byId("log-clear").click();
        return awaitLogs(after);
    }

    /** Waits for the table to finish a load after generation {@code after}; returns the new generation. */
    private int awaitLogs(int after) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> {
            String gen = byId("logs-status").getAttribute("data-generation");
            return gen != null && Integer.parseInt(gen) > after;
        });
        assertThat(byId("logs-status").getAttribute("data-state")).as(byId("logs-status").getText()).isEqualTo("loaded");
        return Integer.parseInt(byId("logs-status").getAttribute("data-generation"));
    }

    private int detailGeneration() {
        return Integer.parseInt(byId("log-detail").getAttribute("data-generation"));
    }

    /** Waits for the detail panel to finish a load after {@code after}, of {@code logId} when given. */
    private int awaitDetail(int after, String logId) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(x -> detailGeneration() > after);
        if (logId != null) {
            assertThat(byId("log-detail").getAttribute("data-state")).as(byId("logs-status").getText()).isEqualTo("loaded");
            assertThat(byId("log-detail").getAttribute("data-log-id")).isEqualTo(logId);
        }
        return detailGeneration();
    }
}
