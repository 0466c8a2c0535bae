package dev.fairway.trace;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fairway.metrics.GenAiNames;
import dev.fairway.metrics.LabelCap;
import dev.fairway.pipeline.AnswerReport;
import dev.fairway.pipeline.Completion;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.ResponseObserver;
import dev.fairway.pipeline.StageWatch;
import dev.fairway.pipeline.Step;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.pipeline.Usage;
import dev.fairway.plan.PlannedTarget;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;

/**
 * One exchange's trace: the root span (kind SERVER, a child of the client's {@code traceparent}
 * when it sent one), a span per deciding stage as it decides, and per upstream attempt an
 * {@link AttemptTrace}. The root span gets the GenAI attributes when the exchange completes.
 */
final class ExchangeTrace implements Step, StageWatch {
    /** Most of a prompt or answer kept in a span when the route opts in. */
    static final int CONTENT_LIMIT = 16 * 1024;

    private final Tracer tracer;
    private final Exchange exchange;
    private final boolean captureContent;
    private final GenAiOtelMetrics metrics;
    private final Span root;
    private final Context context;
    private final ContentCapture answer;
    private AttemptTrace current;
    private int currentStep = -1;
    private int attemptOfStep;

    ExchangeTrace(Tracer tracer, Exchange exchange, boolean captureContent, GenAiOtelMetrics metrics) {
        this.tracer = requireNonNull(tracer, "tracer");
        this.exchange = requireNonNull(exchange, "exchange");
        this.captureContent = captureContent;
        this.metrics = metrics;
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), exchange.clientHeaders(), HeaderCarrier.GETTER);
        this.root = tracer.spanBuilder("fairway " + exchange.route().name())
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(GenAi.HTTP_METHOD, exchange.method())
                .setAttribute(GenAi.ROUTE, exchange.route().name())
                .setAttribute(GenAi.LOG_ID, exchange.logId())
                .startSpan();
        this.context = parent.with(root);
        this.answer = captureContent ? new ContentCapture(CONTENT_LIMIT) : null;
    }

    @Override
    public StageWatch stageWatch() {
        return this;
    }

    @Override
    public Decided begin(String stage) {
        Span span = tracer.spanBuilder(spanName(stage)).setParent(context).setAttribute(GenAi.STAGE, stage).startSpan();
        return (answered, failure) -> {
            span.setAttribute(GenAi.STAGE_ANSWERED, answered);
            if (failure != null) {
                span.recordException(failure);
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            }
            span.end();
        };
    }

    private static String spanName(String stage) {
        return switch (stage) {
            case "cache" -> "cache lookup";
            case "quota" -> "quota check";
            case "guardrail" -> "guardrail check";
            default -> stage;
        };
    }

    @Override
    public synchronized UpstreamObserver upstreamObserver(PlannedTarget target, UpstreamRequest planned) {
        if (current != null) {
            current.endIfOpen(); // an attempt abandoned without an outcome (a translation that could not be built)
        }
        attemptOfStep = target.step() == currentStep ? attemptOfStep + 1 : 1;
        currentStep = target.step();
        current = new AttemptTrace(tracer, context, exchange.method(), target, attemptOfStep);
        return current;
    }

    @Override
    public ResponseObserver observer() {
        return answer;
    }

    @Override
    public void afterCompletion(Completion c) {
        PlannedTarget answered = exchange.answeredBy(c.step());
        String operation = null;
        String provider = null;
        String requestModel = null;
        if (answered != null) {
            operation = GenAiNames.operationName(exchange.method(), answered);
            provider = GenAiNames.providerName(answered.target().provider().slug());
            requestModel = exchange.model();
            root.updateName(requestModel == null ? operation : operation + " " + requestModel);
            root.setAttribute(GenAi.OPERATION_NAME, operation);
            root.setAttribute(GenAi.PROVIDER_NAME, provider);
            if (requestModel != null) {
                root.setAttribute(GenAi.REQUEST_MODEL, requestModel);
            }
            root.setAttribute(GenAi.SERVER_ADDRESS, answered.target().uri().getHost());
        }
        root.setAttribute(GenAi.HTTP_STATUS, c.status());
        root.setAttribute(GenAi.CACHED, c.cached());
        root.setAttribute(GenAi.ATTEMPTS, c.attempts());
        root.setAttribute(GenAi.FALLBACK_STEP, c.step());
        AnswerReport report = exchange.metered().report();
        if (report.responseModel() != null) {
            root.setAttribute(GenAi.RESPONSE_MODEL, report.responseModel());
        }
        if (!report.finishReasons().isEmpty()) {
            root.setAttribute(GenAi.FINISH_REASONS, report.finishReasons());
        }
        Usage usage = c.usage();
        if (usage != null) {
            root.setAttribute(GenAi.INPUT_TOKENS, usage.inputTokens());
            root.setAttribute(GenAi.OUTPUT_TOKENS, usage.outputTokens());
            if (usage.cachedInputTokens() > 0) {
                root.setAttribute(GenAi.CACHE_READ_TOKENS, usage.cachedInputTokens());
            }
        }
        if (c.costUsd() != null) {
            root.setAttribute(GenAi.COST_USD, c.costUsd());
        }
        String error = c.success() ? null : errorType(c);
        if (error != null) {
            root.setAttribute(GenAi.ERROR_TYPE, error);
            root.setStatus(StatusCode.ERROR, error);
        }
        if (captureContent) {
            root.setAttribute(GenAi.INPUT_MESSAGES, input());
            root.setAttribute(GenAi.OUTPUT_MESSAGES, answer.text());
        }
        synchronized (this) {
            if (current != null) {
                current.endIfOpen();
            }
        }
        if (metrics != null && answered != null) {
            metrics.record(operation, provider, requestModel, report.responseModel(), answered.target().uri().getHost(), error, usage, c);
        }
        root.end();
    }

    /** The gateway's error type, else {@code truncated} for a cut stream, else the status (the conventions' error.type for HTTP). */
    static String errorType(Completion c) {
        if (c.errorType() != null) {
            return c.errorType();
        }
        return c.truncated() ? "truncated" : Integer.toString(c.status());
    }

    /** The request's messages (its whole body when it has none), cut to {@value #CONTENT_LIMIT} characters. */
    private String input() {
        JsonNode node = exchange.body().json() ? exchange.body().node() : null;
        JsonNode messages = node == null ? null : node.get("messages");
        String text = messages != null ? messages.toString() : new String(exchange.body().bytes(), StandardCharsets.UTF_8);
        return LabelCap.cut(text, CONTENT_LIMIT);
    }
}
