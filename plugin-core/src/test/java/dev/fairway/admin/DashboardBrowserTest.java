package dev.fairway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.mock.MockOptions;
import dev.fairway.testing.GatewayHarness;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's chromium, headless, through its chromedriver. Sends
 * known traffic, reads the totals the page shows, filters, and saves screenshots under target/.
 */
class DashboardBrowserTest {
    private static final String ADMIN_TOKEN = "admin-token-browser-0123456789";

    @AutoClose("quit")
    private final WebDriver browser;
    @AutoClose
    private GatewayHarness harness;

    DashboardBrowserTest(@TempDir Path profile) {
        browser = HeadlessChromium.start(profile);
    }

    @Test
    void totalsShownEqualTheKnownTrafficAndTheApi() throws IOException {
        harness = GatewayHarness.startWithAdmin("", MockOptions.defaults());
        AdminEndToEndTest.Sent sent = AdminEndToEndTest.sendKnownTraffic(harness);
        String failedLogId = sent.failedLogId();
        JsonNode api = AdminEndToEndTest.analyticsOnce(harness, AdminEndToEndTest.range(), 5).get("totals");

        browser.get(harness.adminUrl() + "/dashboard");
        int generation = awaitLoaded(0);
        assertThat(value("total-requests")).isEqualTo("5").isEqualTo(api.get("requests").asText());
        assertThat(value("total-errors")).isEqualTo("1").isEqualTo(api.get("errors").asText());
        assertThat(value("total-cached")).isEqualTo("0");
        assertThat(value("total-tokens-in")).isEqualTo(Long.toString(sent.tokensIn())).isEqualTo(api.get("tokens_in").asText());
        assertThat(value("total-tokens-out")).isEqualTo(Long.toString(sent.tokensOut())).isEqualTo(api.get("tokens_out").asText());
        assertThat(Double.parseDouble(value("total-error-rate"))).isEqualTo(0.2);
        assertThat(Double.parseDouble(value("total-cost"))).isEqualTo(api.get("cost_usd").asDouble());
        assertThat(byId("total-requests").getText()).isEqualTo("5");
        assertThat(byId("empty").isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#chart-requests svg path"))).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#top-providers tr[data-key='openai']")).getAttribute("data-requests")).isEqualTo("4");
        assertThat(byId("recent-errors").getText()).contains(failedLogId).contains("500");
        screenshot("dashboard.png");

        browser.findElement(By.cssSelector("[data-sort='cost']")).click();
        assertThat(browser.findElements(By.cssSelector("#top-providers tr[data-key]"))).hasSize(2);

        // A custom range covering the traffic shows the same totals.
        browser.findElement(By.cssSelector("[data-range='custom']")).click();
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "const f = (d) => new Date(d - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);"
                        + "document.getElementById('custom-from').value = f(new Date(Date.now() - 3600e3));"
                        + "document.getElementById('custom-to').value = f(new Date(Date.now() + 120e3));");
        byId("apply").click();
        generation = awaitLoaded(generation);
        assertThat(value("total-requests")).isEqualTo("5");
        browser.findElement(By.cssSelector("[data-range='1h']")).click();
        generation = awaitLoaded(generation);

        filter("filter-provider", "anthropic");
        generation = awaitLoaded(generation);
        assertThat(value("total-requests")).isEqualTo("1");
        assertThat(value("total-errors")).isEqualTo("0");
        assertThat(byId("recent-errors").getText()).contains("No errors in this range");

        byId("clear").click();
        generation = awaitLoaded(generation);
        byId("filter-meta-key").sendKeys("team");
        filter("filter-meta-value", "a");
        generation = awaitLoaded(generation);
        assertThat(value("total-requests")).isEqualTo("2");
        assertThat(browser.findElement(By.cssSelector("#top-metadata tr[data-key='a']")).getAttribute("data-requests")).isEqualTo("2");
        screenshot("dashboard-filtered.png");

        filter("filter-model", "no-such-model");
        awaitLoaded(generation);
        assertThat(value("total-requests")).isEqualTo("0");
        assertThat(byId("empty").isDisplayed()).isTrue();
        assertThat(byId("empty").getText()).isEqualTo("No requests in this range");
        screenshot("dashboard-empty.png");
    }

    @Test
    void offLoopbackThePageAsksForTheTokenAndKeepsItForTheTab() throws IOException {
        harness = GatewayHarness.startWithAdmin("server: {port: 0, admin_host: 0.0.0.0, admin_token: " + ADMIN_TOKEN + "}\n",
                MockOptions.defaults());
        AdminEndToEndTest.sendKnownTraffic(harness);
        AdminEndToEndTest.analyticsOnce(harness, AdminEndToEndTest.range(), 5, "authorization", "Bearer " + ADMIN_TOKEN);

        browser.get(harness.adminUrl() + "/dashboard");
        int generation = awaitGeneration(0);
        assertThat(byId("status").getAttribute("data-state")).isEqualTo("error");
        assertThat(byId("token-form").isDisplayed()).isTrue();
        assertThat(value("total-requests")).isEmpty();

        byId("token-input").sendKeys(ADMIN_TOKEN);
        byId("token-form").submit();
        awaitLoaded(generation);
        assertThat(value("total-requests")).isEqualTo("5");
        assertThat(byId("token-form").isDisplayed()).isFalse();
        assertThat(browser.getPageSource()).doesNotContain(ADMIN_TOKEN).doesNotContain("sk-test-openai");
    }

    private WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private String value(String id) {
        return byId(id).getAttribute("data-value");
    }

    private void filter(String field, String text) {
        WebElement input = byId(field);
        input.clear();
        input.sendKeys(text);
        byId("apply").click();
    }

    /** Waits for the page to finish a load after {@code after}; returns the new generation. */
    private int awaitLoaded(int after) {
        int g = awaitGeneration(after);
        assertThat(byId("status").getAttribute("data-state")).as(byId("message").getText()).isEqualTo("loaded");
        return g;
    }

    private int awaitGeneration(int after) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
            String g = d.findElement(By.id("status")).getAttribute("data-generation");
            return g != null && Integer.parseInt(g) > after;
        });
        return Integer.parseInt(byId("status").getAttribute("data-generation"));
    }

    private void screenshot(String name) throws IOException {
        HeadlessChromium.screenshot(browser, name);
    }
}
