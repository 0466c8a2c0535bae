package dev.fairway.envoy;

import com.google.protobuf.ByteString;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.http.Headers;
import dev.fairway.http.HopByHop;
import dev.fairway.pipeline.Exchange;
import dev.fairway.pipeline.UpstreamRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a forwarded exchange into the request mutations that send Envoy where the route says: a
 * routing header plus {@code clear_route_cache}, so that Envoy re-matches its routes on the
 * mutated request (reference/envoy.md s.1.4, option A).
 */
final class Forwarding {
    private final EnvoySettings settings;

    Forwarding(EnvoySettings settings) {
        this.settings = settings;
    }

    /**
     * Dispatcher mode: the one-time ticket and the routing header of the dispatcher cluster. The
     * exchange already holds the body, so Envoy need not copy it to the dispatcher a second time:
     * it is cleared, with a matching content-length (headers are still held in BUFFERED mode).
     *
     * @param withBody whether the mutation answers the body message
     */
    CommonResponse toDispatcher(String ticket, boolean withBody) {
        HeaderMutation.Builder m = HeaderMutation.newBuilder()
                .addSetHeaders(Messages.set(TicketBook.HEADER, ticket))
                .addSetHeaders(Messages.set(settings.upstreamHeader(), settings.dispatcherUpstream()));
        CommonResponse.Builder common = CommonResponse.newBuilder().setClearRouteCache(true);
        if (withBody) {
            m.addSetHeaders(Messages.set("content-length", "0"));
            common.setBodyMutation(BodyMutation.newBuilder().setClearBody(true));
        }
        return common.setHeaderMutation(m).build();
    }

    /** Fail open: Envoy continues on the route it matched, minus any routing header a client forged. */
    CommonResponse passThrough() {
        return CommonResponse.newBuilder().setHeaderMutation(HeaderMutation.newBuilder()
                .addRemoveHeaders(settings.upstreamHeader())
                .addRemoveHeaders(TicketBook.HEADER)).build();
    }

    /**
     * Direct mode: the request as the dispatcher would send it, expressed as mutations of what Envoy
     * holds: path and authority of the provider, the gateway's credential instead of the client's,
     * gateway headers removed, and the body when a stage replaced it.
     *
     * @param up the request to send: the exchange's, as the response's meter may have adjusted it
     * @param withBody whether the mutation answers the body message (a headers-only request has none)
     */
    CommonResponse direct(Exchange exchange, UpstreamRequest up, EnvoyRoute route, boolean withBody) {
        if (exchange.target().settings().aws() != null) {
            // SigV4 signs the final request; only the dispatcher sends it.
            throw GatewayError.of(ErrorType.INTERNAL,
                    "route %s: %s with gateway-held AWS credentials needs envoy.routes.%s.mode: dispatcher",
                    exchange.route().name(), exchange.target().provider().slug(), exchange.route().name())
                    .with("route", exchange.route().name());
        }
        HeaderMutation.Builder m = HeaderMutation.newBuilder();
        // The request's own URI: a pool member's base URL may differ from the first target's.
        String query = up.uri().getRawQuery();
        m.addSetHeaders(Messages.set(":path", query == null ? up.uri().getRawPath() : up.uri().getRawPath() + "?" + query));
        m.addSetHeaders(Messages.set(":authority", authority(up.uri())));
        Headers client = exchange.clientHeaders();
        Set<String> done = new HashSet<>();
        for (int i = 0; i < client.size(); i++) {
            String name = client.name(i);
            if (done.add(name) && !HopByHop.is(name) && !up.headers().contains(name)) {
                m.addRemoveHeaders(name);
            }
        }
        done.clear();
        for (int i = 0; i < up.headers().size(); i++) {
            String name = up.headers().name(i);
            if (!done.add(name)) {
                continue;
            }
            List<String> values = up.headers().getAll(name);
            if (!values.equals(client.getAll(name))) {
                m.addSetHeaders(Messages.set(name, values.get(0)));
                for (int v = 1; v < values.size(); v++) {
                    m.addSetHeaders(Messages.append(name, values.get(v)));
                }
            }
        }
        m.addSetHeaders(Messages.set(settings.upstreamHeader(), route.upstreamFor(exchange.target().provider().slug())));
        CommonResponse.Builder common = CommonResponse.newBuilder().setClearRouteCache(true);
        if (withBody && up.body() != exchange.body().bytes()) {
            // Headers are still held in BUFFERED mode, so the length can follow the new body.
            m.addSetHeaders(Messages.set("content-length", Integer.toString(up.body().length)));
            common.setBodyMutation(BodyMutation.newBuilder().setBody(ByteString.copyFrom(up.body())));
        }
        return common.setHeaderMutation(m).build();
    }

    private static String authority(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1
                || ("https".equals(uri.getScheme()) && port == 443)
                || ("http".equals(uri.getScheme()) && port == 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }
}
