package dev.fairway.trace;

import dev.fairway.http.Headers;
import dev.fairway.metrics.GenAiNames;
import dev.fairway.pipeline.UpstreamObserver;
import dev.fairway.pipeline.UpstreamRequest;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.translate.Translators;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.net.URI;
import java.util.Locale;

/**
 * One upstream attempt's span (kind CLIENT, the GenAI inference span of the conventions): which
 * target, which attempt of it, what came back and what the dispatcher did next. Its context goes
 * upstream as {@code traceparent}, so the provider sees this attempt as its parent. A translated
 * answer gets a child span for its translation.
 */
final class AttemptTrace implements UpstreamObserver {
    private final Tracer tracer;
    private final PlannedTarget target;
    private final Span span;
    private Span translation;
    private boolean ended;

    AttemptTrace(Tracer tracer, Context parent, String method, PlannedTarget target, int number) {
        this.tracer = tracer;
        this.target = target;
        String operation = GenAiNames.operationName(method, target);
        URI uri = target.target().uri();
        var b = tracer.spanBuilder(target.model() == null ? operation : operation + " " + target.model())
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GenAi.OPERATION_NAME, operation)
                .setAttribute(GenAi.PROVIDER_NAME, GenAiNames.providerName(target.target().provider().slug()))
                .setAttribute(GenAi.SERVER_ADDRESS, uri.getHost())
                .setAttribute(GenAi.SERVER_PORT, (long) (uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80))
                .setAttribute(GenAi.ATTEMPT, (long) number)
                .setAttribute(GenAi.FALLBACK_STEP, (long) target.step());
        if (target.model() != null) {
            b.setAttribute(GenAi.REQUEST_MODEL, target.model());
        }
        this.span = b.startSpan();
    }

    /** The planned request with this attempt as the W3C parent; the client's traceparent is replaced. */
    @Override
    public UpstreamRequest request(UpstreamRequest planned) {
        return headersOnly(planned);
    }

    /** Only a header changes, so a host that cannot rewrite the body sends it too. */
    @Override
    public UpstreamRequest headersOnly(UpstreamRequest planned) {
        Headers headers = Headers.copyOf(planned.headers());
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), headers, HeaderCarrier.SETTER);
        return new UpstreamRequest(planned.method(), planned.uri(), headers, planned.body());
    }

    @Override
    public synchronized void onAttemptEnd(int status, String errorType, String next) {
        if (ended) {
            return; // a later attempt failed before its own observer was opened (its request could not be built)
        }
        span.setAttribute(GenAi.ATTEMPT_NEXT, next.toLowerCase(Locale.ROOT));
        if (status > 0) {
            span.setAttribute(GenAi.HTTP_STATUS, status);
        }
        String error = errorType != null ? errorType : status >= 400 ? Integer.toString(status) : null;
        if (error != null) {
            span.setAttribute(GenAi.ERROR_TYPE, error);
            span.setStatus(StatusCode.ERROR, error);
        }
        if (!"ACCEPT".equals(next)) {
            endIfOpen();
        }
    }

    @Override
    public synchronized void onHeaders(int status, Headers headers) {
        span.setAttribute(GenAi.HTTP_STATUS, status);
        if (target.translator() != null && !Translators.isPassthrough(target.translator())) {
            String from = target.target().provider().format().name().toLowerCase(Locale.ROOT);
            translation = tracer.spanBuilder("translate " + from + " to openai")
                    .setParent(Context.root().with(span))
                    .setAttribute(GenAi.TRANSLATED_FROM, from)
                    .startSpan();
        }
    }

    @Override
    public synchronized void onEnd(boolean clean) {
        if (!clean && !ended) {
            span.setAttribute(GenAi.ERROR_TYPE, "truncated");
            span.setStatus(StatusCode.ERROR, "truncated");
        }
        endIfOpen();
    }

    /** Ends the span (and its translation's) once; later calls do nothing. */
    synchronized void endIfOpen() {
        if (ended) {
            return;
        }
        ended = true;
        if (translation != null) {
            translation.end();
        }
        span.end();
    }
}
