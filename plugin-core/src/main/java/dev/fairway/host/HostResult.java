package dev.fairway.host;

import static java.util.Objects.requireNonNull;

import dev.fairway.dispatch.HostRelay;
import dev.fairway.http.Headers;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;

/** What a host does with one request, as {@link HostBridge} decided it within the host's deadline. */
public sealed interface HostResult {

    /** Why the host answers itself. */
    enum Why {
        /** The core decided to answer (an error, a cache hit, a refusal by a stage). */
        DECIDED,
        /** The core did not decide within the host's deadline. */
        DEADLINE,
        /** Deciding failed; the client gets a 500 and the cause is logged. */
        FAILED,
        /** The core decided to forward, but the forward could not be made (the dispatcher not listening, say). */
        REFUSED
    }

    /** The host sends this answer as it is; every one carries a {@code cf-aig-log-id}. */
    record Answer(Decision.Answer answer, Why why) implements HostResult {
        public Answer {
            requireNonNull(answer, "answer");
            requireNonNull(why, "why");
        }

        public int status() {
            return answer.status();
        }

        public Headers headers() {
            return answer.headers();
        }

        public byte[] body() {
            return answer.body();
        }
    }

    /**
     * The host forwards the request to the loopback dispatcher with {@code ticket} in
     * {@link dev.fairway.dispatch.TicketBook#HEADER}; the dispatcher redeems it and relays upstream.
     * The exchange already holds the body, so the host need not send it again.
     */
    record ForwardByTicket(String ticket, Exchange exchange) implements HostResult {
        public ForwardByTicket {
            requireNonNull(ticket, "ticket");
            requireNonNull(exchange, "exchange");
        }
    }

    /**
     * The host proxies upstream itself (Envoy's direct mode): it sends {@link #request()} and passes
     * the answer through {@link #tap()}, which meters it, translates it when needed and completes the
     * exchange once. A host that cannot send it after all ends it with {@link HostBridge#refuse}.
     */
    record Direct(HostRelay tap) implements HostResult {
        public Direct {
            requireNonNull(tap, "tap");
        }

        public Exchange exchange() {
            return tap.exchange();
        }

        /** The request to send upstream: method, URI, headers and body, as the meter may have adjusted them. */
        public UpstreamRequest request() {
            return tap.request();
        }
    }
}
