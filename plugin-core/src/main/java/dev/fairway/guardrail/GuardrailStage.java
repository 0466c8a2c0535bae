package dev.fairway.guardrail;

import dev.fairway.error.CloudflareCode;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseFilter;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the route's guardrails (Cloudflare's DLP) over the request body before it leaves the
 * gateway and, for rules that check responses, over the answer on its way back ({@link ResponseGuard}).
 * A {@code block} finding in the request answers 400 naming the rule; {@code flag} findings let the
 * exchange through and are recorded in the {@code cf-aig-dlp} response header. Neither ever repeats
 * the text that matched. Routes without guardrails pay nothing: the stage opens no step.
 */
public final class GuardrailStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(GuardrailStage.class);
    static final String DLP_HEADER = "cf-aig-dlp";

    @Override
    public String name() {
        return "guardrail";
    }

    @Override
    public Step open(Exchange exchange) {
        GuardrailSettings settings = exchange.route().guardrails();
        if (settings.isEmpty()) {
            return Step.NONE;
        }
        List<Rule> rules = rules(settings);
        List<Rule> requestRules = rules.stream().filter(Rule::request).toList();
        List<Rule> responseRules = rules.stream().filter(Rule::response).toList();
        Findings findings = Findings.scan(visitor -> BodyText.visit(exchange.body(), visitor), requestRules, Findings.REQUEST);
        if (!findings.isEmpty()) {
            exchange.responseHeaders().set(DLP_HEADER, Findings.header(List.of(findings)));
            findings.report(exchange.facts());
            Rule blocking = findings.firstBlocking();
            if (blocking != null) {
                LOG.debug("request {} on route {} blocked by guardrail {}", exchange.logId(), exchange.route().name(), blocking.name());
                return Step.refuse(GatewayError.of(ErrorType.INVALID_REQUEST, "request body: refused by guardrail %s", blocking.name())
                        .with("detector", blocking.name()).as(CloudflareCode.REQUEST_BLOCKED_BY_DLP));
            }
        }
        if (responseRules.isEmpty()) {
            return Step.NONE;
        }
        return new Step() {
            @Override
            public ResponseFilter responseFilter(int status, String contentType) {
                // Provider errors carry no answer to check.
                return status >= 200 && status < 300 ? new ResponseGuard(exchange, findings, responseRules, contentType) : null;
            }
        };
    }

    private static List<Rule> rules(GuardrailSettings settings) {
        List<Rule> rules = new ArrayList<>(settings.detectors().size() + settings.custom().size());
        for (DetectorRule d : settings.detectors()) {
            BuiltInDetector detector = BuiltInDetector.byName(d.detector());
            rules.add(new Rule(d.detector(), "block".equals(d.action()), detector,
                    d.check().contains(GuardrailSettings.REQUEST), d.check().contains(GuardrailSettings.RESPONSE), detector.maxSpan()));
        }
        for (CustomRule c : settings.custom()) {
            rules.add(new Rule(c.name(), "block".equals(c.action()), c.pattern(),
                    c.check().contains(GuardrailSettings.REQUEST), c.check().contains(GuardrailSettings.RESPONSE), c.maxMatchChars()));
        }
        return rules;
    }
}
