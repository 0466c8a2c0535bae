package dev.fairway.auth;

import static java.util.Objects.requireNonNull;

import dev.fairway.config.RouteConfig;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the caller to the gateway (step 2 of docs/architecture.md, "One request"): the
 * gateway asks it before planning, so an unauthenticated request touches no planner, quota, cache
 * or upstream.
 *
 * <p>Refusals are deliberately uniform: a missing and a wrong token get the same 401 shape, and
 * neither says anything about the tokens that do exist.
 */
public final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
    static final String HEADER = "cf-aig-authorization";
    private static final Outcome ANONYMOUS = new Outcome(null, null);

    private final TokenVerifier verifier;

    public Authenticator() {
        this(new TokenVerifier(TokenVerifier.CONSTANT_TIME));
    }

    Authenticator(TokenVerifier verifier) {
        this.verifier = requireNonNull(verifier, "verifier");
    }

    /**
     * Who the client is, or the 401 that refuses it.
     *
     * @param identity the authenticated client's name (a token's client, or the host's consumer
     *     where the route accepts it); null on a route without authentication
     * @param refusal the 401 when the route requires authentication and the request has none; else null
     */
    public record Outcome(String identity, GatewayError refusal) {}

    /**
     * Authenticates a request on {@code route}.
     *
     * @param token the cf-aig-authorization token, or null when absent
     * @param hostConsumer the consumer the host authenticated (Kong), or null
     * @param logId the request's log id, for the debug line of a refusal
     */
    public Outcome authenticate(RouteConfig route, CfAigHeaders cfAig, String hostConsumer, String logId) {
        AuthSettings auth = route.auth();
        if (!auth.enabled()) {
            return ANONYMOUS;
        }
        String token = cfAig.authorization();
        if (token == null) {
            if (auth.acceptHostConsumer() && hostConsumer != null && !hostConsumer.isBlank()) {
                return new Outcome(hostConsumer, null);
            }
            return refuse(route, logId, "no gateway token");
        }
        String client = verifier.identify(token, auth.clients());
        return client == null ? refuse(route, logId, "a gateway token that matches no client") : new Outcome(client, null);
    }

    private static Outcome refuse(RouteConfig route, String logId, String what) {
        LOG.debug("request {} on route {} refused: {}", logId, route.name(), what);
        return new Outcome(null, GatewayError.of(ErrorType.UNAUTHORIZED,
                "this route requires a valid gateway token in cf-aig-authorization: Bearer <token>").with("header", HEADER));
    }
}
