package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.ErrorFormat;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;

/** What the core decided for a request: answer it now, or forward it upstream through the dispatcher. */
public sealed interface Decision {

    /**
     * Answer the client now with this response; the host sends it as is.
     *
     * @param errorType the gateway error's wire name when this answers an error ({@code rate_limited}), else null
     * @param gatewayError the error this answers, kept so the route can word it its way ({@link #in}), else null
     */
    record Answer(int status, Headers headers, byte[] body, String errorType, GatewayError gatewayError) implements Decision {
        public Answer {
            requireNonNull(headers, "headers");
            requireNonNull(body, "body");
        }

        public Answer(int status, Headers headers, byte[] body, String errorType) {
            this(status, headers, body, errorType, null);
        }

        public Answer(int status, Headers headers, byte[] body) {
            this(status, headers, body, null, null);
        }

        public static Answer json(int status, byte[] body) {
            return new Answer(status, Headers.of("content-type", "application/json"), body);
        }

        public static Answer error(GatewayError error) {
            return new Answer(error.status(), Headers.of("content-type", "application/json"), error.toJson(), error.type().wireName(), error);
        }

        /**
         * An error answered before or outside any exchange (no route, a deadline, a body too large):
         * it still carries a fresh {@code cf-aig-log-id}, like every answer, so a client can report it.
         */
        public static Answer loggedError(GatewayError error) {
            Answer a = error(error);
            a.headers().set("cf-aig-log-id", Ids.logId());
            return a;
        }

        /** This answer with a gateway error's body in {@code format}; anything else as it is. */
        public Answer in(ErrorFormat format) {
            if (gatewayError == null || format == ErrorFormat.FAIRWAY) {
                return this;
            }
            return new Answer(status, headers, gatewayError.toJson(format), errorType, gatewayError);
        }
    }

    /** Forward: the exchange is ready for the dispatcher (or, in Envoy's direct mode, for the host). */
    record Forward(Exchange exchange) implements Decision {
        public Forward {
            requireNonNull(exchange, "exchange");
        }
    }
}
