package dev.fairway.pipeline;

import static java.util.Objects.requireNonNull;

import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;

/** What the core decided for a request: answer it now, or forward it upstream through the dispatcher. */
public sealed interface Decision {

    /** Answer the client now with this response; the host sends it as is. */
    record Answer(int status, Headers headers, byte[] body) implements Decision {
        public Answer {
            requireNonNull(headers, "headers");
            requireNonNull(body, "body");
        }

        public static Answer json(int status, byte[] body) {
            return new Answer(status, Headers.of("content-type", "application/json"), body);
        }

        public static Answer error(GatewayError error) {
            return json(error.status(), error.toJson());
        }
    }

    /** Forward: the exchange is ready for the dispatcher (or, in Envoy's direct mode, for the host). */
    record Forward(Exchange exchange) implements Decision {
        public Forward {
            requireNonNull(exchange, "exchange");
        }
    }
}
