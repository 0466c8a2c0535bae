package dev.fairway.plan;

import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.provider.AuthStyle;
import dev.fairway.provider.KeyOperations;
import dev.fairway.provider.Provider;
import dev.fairway.provider.UpstreamTarget;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the gateway's provider keys to the operations they are held for. A target whose operation
 * (method and API path) is on neither the provider's {@code key_operations} nor the route's
 * {@code key_operations} is sent with the client's own credential, or refused with 403 naming the
 * operation when the client has none: the gateway's key never deletes files, reads organization
 * admin keys or starts fine-tuning jobs on a client's behalf.
 */
public final class KeyScope {
    private KeyScope() {}

    /** The plan with every out-of-scope target stripped of the gateway's credential. */
    public static DispatchPlan apply(DispatchPlan plan, String method, Headers clientHeaders) {
        List<PlannedTarget> scoped = null;
        for (int i = 0; i < plan.targets().size(); i++) {
            PlannedTarget p = plan.targets().get(i);
            UpstreamTarget t = p.target();
            if (!t.settings().holdsCredential()) {
                continue;
            }
            // Translated targets are always a POST to the provider's chat API.
            String m = p.translator() == null ? method : "POST";
            if (allowed(t, m)) {
                continue;
            }
            Headers sent = p.headers().size() > 0 ? Headers.copyOf(clientHeaders).setAll(p.headers()) : clientHeaders;
            if (AuthStyle.BEARER.clientCredential(sent) == null) {
                throw refusal(t, m);
            }
            if (scoped == null) {
                scoped = new ArrayList<>(plan.targets());
            }
            UpstreamTarget own = new UpstreamTarget(t.provider(), t.uri(), t.settings().withoutCredentials(), t.apiPath(),
                    t.pathModel(), t.pathStreams());
            scoped.set(i, p.withTarget(own));
        }
        return scoped == null ? plan : new DispatchPlan(scoped, plan.fallbackOn(), plan.breaker(), plan.skipped(), plan.stepFallbackOn());
    }

    private static boolean allowed(UpstreamTarget t, String method) {
        if (t.provider().keyOperations().match(method, t.apiPath()) != null) {
            return true;
        }
        List<String> extra = t.settings().keyOperations();
        return !extra.isEmpty() && KeyOperations.of(java.util.Map.of("route", extra)).match(method, t.apiPath()) != null;
    }

    private static GatewayError refusal(UpstreamTarget t, String method) {
        Provider p = t.provider();
        String path = t.apiPath().length() > 128 ? t.apiPath().substring(0, 128) + "..." : t.apiPath();
        String operation = method + " " + path;
        return GatewayError.of(ErrorType.FORBIDDEN,
                        "%s on %s is not served with the gateway's key (it serves: %s, and the route's providers.%s.key_operations); send your own provider key for it",
                        operation, p.slug(), String.join(", ", p.keyOperations().names()), p.slug())
                .with("operation", operation).with("provider", p.slug());
    }
}
