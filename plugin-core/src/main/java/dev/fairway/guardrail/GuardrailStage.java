package dev.fairway.guardrail;

import dev.fairway.error.CloudflareCode;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the route's request guardrails over the body before it leaves the gateway. A {@code block}
 * finding answers 400 naming the rule; {@code flag} findings let the request through and are
 * recorded in the {@code cf-aig-dlp} response header (and so in the log record). Neither ever
 * repeats the text that matched. Routes without guardrails pay nothing: the stage opens no step.
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
        Findings findings = Findings.scan(exchange.body(), rules(settings));
        if (findings.isEmpty()) {
            return Step.NONE;
        }
        exchange.responseHeaders().set(DLP_HEADER, findings.summaryJson());
        Rule blocking = findings.firstBlocking();
        if (blocking != null) {
            LOG.debug("request {} on route {} blocked by guardrail {}", exchange.logId(), exchange.route().name(), blocking.name());
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "request body: refused by guardrail %s", blocking.name())
                    .with("detector", blocking.name()).as(CloudflareCode.REQUEST_BLOCKED_BY_DLP);
        }
        return Step.NONE;
    }

    private static List<Rule> rules(GuardrailSettings settings) {
        List<Rule> rules = new ArrayList<>(settings.detectors().size() + settings.custom().size());
        for (DetectorRule d : settings.detectors()) {
            rules.add(new Rule(d.detector(), "block".equals(d.action()), BuiltInDetector.byName(d.detector())));
        }
        for (CustomRule c : settings.custom()) {
            rules.add(new Rule(c.name(), "block".equals(c.action()), c.pattern()));
        }
        return rules;
    }
}
