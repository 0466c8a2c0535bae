package dev.fairway.kong;

import static java.util.Objects.requireNonNull;

import dev.fairway.Fairway;
import dev.fairway.config.RouteConfig;
import dev.fairway.dispatch.TicketBook;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.host.HostBridge;
import dev.fairway.host.HostResult;
import dev.fairway.http.Headers;
import dev.fairway.kong.pdk.Kong;
import dev.fairway.pipeline.Decision;
import dev.fairway.pipeline.GatewayRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access phase: read the request from Kong, let the core decide, then either answer through
 * {@code kong.response.exit} or point Kong's upstream at the loopback dispatcher with a one-time
 * ticket. Every PDK call is a round trip to the nginx worker (a socket write, Kong's Lua, a socket
 * read and the wake-up of the thread waiting for it), so each is asked for once and only when its answer is not
 * already known: a request with a body costs five calls when answered, seven when forwarded
 * (eight when its body is over {@link #KEEP_BODY_UP_TO}); {@code AccessCallsTest} pins them.
 */
final class Access {
    private static final Logger LOG = LoggerFactory.getLogger(Access.class);
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_HEADERS = 1000;
    /**
     * Kong's {@code client_body_buffer_size} default (8k): a body up to this size is in nginx's
     * memory, and forwarding it again over loopback costs less than the PDK round trip that would
     * clear it; a larger one, perhaps spilled to a file, is cleared.
     */
    static final int KEEP_BODY_UP_TO = 8192;

    private final Fairway fairway;
    private final HostBridge bridge;
    private final Duration decideTimeout;

    Access(Fairway fairway, Duration decideTimeout) {
        this.fairway = requireNonNull(fairway, "fairway");
        // A ticket is handed out once the dispatcher listens: before that Kong would have no port to send it to.
        this.bridge = new HostBridge(fairway.gateway(), fairway.dispatcher()).awaitingDispatcher(fairway.dispatcherReady());
        this.decideTimeout = requireNonNull(decideTimeout, "decideTimeout");
    }

    /**
     * Kong's MessagePack bridge ({@code mp_rpc.lua} {@code call_pdk_method}) passes on only the first
     * value a PDK function returns: a failure arrives as nil, never with its error text. For the
     * body it does not arrive at all: Kong cannot encode the nil it got as a body, its plugin
     * coroutine fails, it answers 500 itself and never steps this event again. So the size is
     * checked before the body is read, and {@code get_raw_body} is only asked for bodies it can
     * return.
     */
    void run(Kong kong, RouteConfig route) {
        String method;
        String target;
        String[] line = requestLine(kong.nginx().getVar("request"));
        if (line != null) {
            method = line[0];
            target = line[1];
        } else {
            method = kong.request().getMethod();
            target = kong.request().getPathWithQuery();
        }
        // Kong's default of 100 could silently drop cf-aig-* headers from a header-heavy request.
        Headers headers = headers(kong.request().getHeaders(MAX_HEADERS));
        byte[] body = EMPTY;
        if (hasBody(method, headers)) {
            // The declared length, -1 when none; nginx has already refused a malformed one with 400.
            long length = headers.contentLength();
            if (length > route.maxBodyBytes()) {
                exit(kong, Decision.Answer.loggedError(tooLarge(route)));
                return;
            }
            // A body within the limit is returned even when nginx spilled it to a file.
            body = kong.request().getRawBody(route.maxBodyBytes());
            if (body == null) {
                // A body of unknown length (chunked) over the limit, or a temporary file nginx could not read back.
                LOG.warn("Kong could not read the request body (larger than {} bytes, or its temporary file unreadable)",
                        route.maxBodyBytes());
                exit(kong, Decision.Answer.loggedError(tooLarge(route)));
                return;
            }
        }
        // Asked on every request: besides quotas keyed on the consumer, gateway authentication that
        // accepts it and cache keys, the request log's client hash falls back to it, and a log record
        // can be asked for by any request (cf-aig-collect-log: true, even where the route's logging is
        // off). No route configuration rules it out, and Kong offers no call that returns it along
        // with anything read above.
        Map<String, Object> consumer = kong.client().getConsumer();
        String consumerName = consumer == null ? null
                : consumerName(textOrNull(consumer.get("username")), textOrNull(consumer.get("custom_id")));
        GatewayRequest request = new GatewayRequest(method, target, headers, body, consumerName);
        switch (bridge.handle(request, route, decideTimeout.toMillis()).await()) {
            case HostResult.Answer a -> exit(kong, a.answer());
            case HostResult.ForwardByTicket f -> forward(kong, f.ticket(), body.length > KEEP_BODY_UP_TO);
            case HostResult.Direct d -> throw new IllegalStateException("Kong forwards by ticket only");
        }
    }

    /**
     * The dispatcher ignores what Kong forwards except the ticket (the exchange holds the body) and
     * drains the rest, so a large body is dropped here: a 10 MiB prompt then crosses loopback once
     * instead of twice. {@code set_raw_body("")} also sets Content-Length: 0, which keeps the hop
     * well-formed. A small body is left as it is: the call would cost more than the bytes.
     *
     * <p>Three calls (four with a large body) and no fewer: Kong's PDK has no call that sets two of
     * these, and Kong runs one call per round trip (see {@code PdkChannel} for why they cannot be
     * pipelined). The scheme is set although it is usually http already: it is the Kong service's
     * protocol, which this plugin cannot see without another call, and with an https service Kong
     * would otherwise speak TLS to the plain-HTTP dispatcher.
     */
    private void forward(Kong kong, String ticket, boolean clearBody) {
        kong.service().setTarget("127.0.0.1", fairway.dispatcherPort());
        kong.service().request().setScheme("http");
        kong.service().request().setHeader(TicketBook.HEADER, ticket);
        if (clearBody) {
            kong.service().request().setRawBody(EMPTY);
        }
    }

    /**
     * Method and target from nginx's {@code $request}, one PDK call instead of
     * {@code get_method} plus {@code get_path_with_query}. The target is what
     * {@code get_path_with_query} returns ({@code $request_uri}, which Kong copies to
     * {@code ctx.request_uri} before any plugin runs); HTTP/2 and HTTP/3 get the same line, built from
     * their pseudo-headers. Null for a line that is not {@code METHOD /target HTTP/x} (an absolute-form
     * or {@code *} target, whose {@code $request_uri} differs): the two calls answer then. The method
     * is the one the client sent: a plugin running before this one that changes it with
     * {@code ngx.req.set_method} is not seen (the dispatcher never uses the method Kong forwards).
     */
    static String[] requestLine(String line) {
        if (line == null) {
            return null;
        }
        int first = line.indexOf(' ');
        int last = line.lastIndexOf(' ');
        if (first <= 0 || last <= first + 1 || line.charAt(first + 1) != '/' || !line.startsWith("HTTP/", last + 1)) {
            return null;
        }
        return new String[] {line.substring(0, first), line.substring(first + 1, last)};
    }

    private static void exit(Kong kong, Decision.Answer a) {
        Map<String, Object> headers = new LinkedHashMap<>();
        a.headers().forEach((name, value) -> {
            if (name.equals("content-length")) {
                return;
            }
            headers.merge(name, value, (old, add) -> {
                List<Object> values = old instanceof List<?> l ? new ArrayList<>(l) : new ArrayList<>(List.of(old));
                values.add(add);
                return values;
            });
        });
        kong.response().exit(a.status(), a.body(), headers);
    }

    private static GatewayError tooLarge(RouteConfig route) {
        return GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "request body: larger than %d bytes", route.maxBodyBytes())
                .with("limit", route.maxBodyBytes());
    }

    /** Saves a round trip for bodiless requests; when in doubt (HTTP/2 may omit the length), asks. */
    private static boolean hasBody(String method, Headers headers) {
        String length = headers.get("content-length");
        if (length != null) {
            return !length.strip().equals("0");
        }
        return headers.contains("transfer-encoding") || !(method.equals("GET") || method.equals("HEAD"));
    }

    private static Headers headers(Map<String, List<String>> kongHeaders) {
        Headers h = new Headers();
        kongHeaders.forEach((name, values) -> values.forEach(v -> h.add(name, v)));
        return h;
    }

    /** The name quotas and analytics key a Kong consumer on: its username, else its custom_id. */
    static String consumerName(String username, String customId) {
        if (username != null && !username.isEmpty()) {
            return username;
        }
        return customId != null && !customId.isEmpty() ? customId : null;
    }

    private static String textOrNull(Object o) {
        return o instanceof String s ? s : null;
    }
}
