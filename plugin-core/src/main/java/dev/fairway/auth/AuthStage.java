package dev.fairway.auth;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.Stage;
import dev.fairway.pipeline.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the caller to the gateway (step 2 of docs/architecture.md, "One request") and records who it is as the
 * exchange's client identity. Runs first, so an unauthenticated request touches no quota, cache or
 * upstream.
 *
 * <p>Refusals are deliberately uniform: a missing and a wrong token get the same 401 shape, and
 * neither says anything about the tokens that do exist.
 */
public final class AuthStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(AuthStage.class);
    static final String HEADER = "cf-aig-authorization";

    private final TokenVerifier verifier;

    public AuthStage() {
        this(new TokenVerifier(TokenVerifier.CONSTANT_TIME));
    }

    AuthStage(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public Step open(Exchange exchange) {
        AuthSettings auth = exchange.route().auth();
        if (!auth.enabled()) {
            return Step.NONE;
        }
        String token = exchange.cfAig().authorization();
        if (token == null) {
            String consumer = exchange.hostConsumer();
            if (auth.acceptHostConsumer() && consumer != null && !consumer.isBlank()) {
                exchange.setClientIdentity(consumer);
                return Step.NONE;
            }
            throw refuse(exchange, "no gateway token");
        }
        String client = verifier.identify(token, auth.clients());
        if (client == null) {
            throw refuse(exchange, "a gateway token that matches no client");
        }
        exchange.setClientIdentity(client);
        return Step.NONE;
    }

    private static GatewayError refuse(Exchange exchange, String what) {
        LOG.debug("request {} on route {} refused: {}", exchange.logId(), exchange.route().name(), what);
        return GatewayError.of(ErrorType.UNAUTHORIZED,
                "this route requires a valid gateway token in cf-aig-authorization: Bearer <token>").with("header", HEADER);
    }
}
