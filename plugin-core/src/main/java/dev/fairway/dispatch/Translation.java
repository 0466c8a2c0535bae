package dev.fairway.dispatch;

import dev.fairway.http.Headers;
import dev.fairway.pipeline.Exchange;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.translate.Translators;
import java.util.Optional;

/** How a translated target's answer reaches an OpenAI client: event by event for streams, whole for JSON. */
final class Translation {
    private Translation() {}

    static ResponseTransform transform(PlannedTarget target, Exchange exchange, int status, Headers headers, ResponseTransform metered) {
        if (!translates(target)) {
            return metered;
        }
        String contentType = headers.get("content-type");
        boolean events = contentType != null && contentType.startsWith("text/event-stream");
        if (target.stream() && events && status >= 200 && status < 300) {
            return Transforms.stream(target.translator().stream(target.model(), includeUsage(exchange)));
        }
        return Transforms.whole(body -> target.translator().response(status, body, target.model()));
    }

    /** The content type the client gets from a translated target. */
    static Optional<String> contentType(PlannedTarget target, int status, Headers headers) {
        if (!translates(target)) {
            return Optional.empty();
        }
        String contentType = headers.get("content-type");
        boolean events = contentType != null && contentType.startsWith("text/event-stream");
        return Optional.of(target.stream() && events && status >= 200 && status < 300 ? "text/event-stream" : "application/json");
    }

    static boolean translates(PlannedTarget target) {
        return target.translator() != null && !Translators.isPassthrough(target.translator());
    }

    private static boolean includeUsage(Exchange exchange) {
        return exchange.body().json() && exchange.body().includeUsage();
    }
}
