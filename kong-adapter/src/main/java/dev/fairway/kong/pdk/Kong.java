package dev.fairway.kong.pdk;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kong's PDK for one event, as typed Java calls. Each call is one round trip to the nginx worker
 * running the request, so handlers should ask for what they need and no more. Any PDK function
 * without a typed wrapper is reachable through {@link #call}.
 *
 * <pre>{@code
 * String auth = kong.request().getHeader("authorization");
 * kong.response().exit(403, "{\"message\":\"no\"}".getBytes(UTF_8), Map.of("content-type", "application/json"));
 * }</pre>
 */
public final class Kong {
    private final PdkChannel channel;
    private final Request request = new Request();
    private final Client client = new Client();
    private final Service service = new Service();
    private final Response response = new Response();
    private final Log log = new Log();
    private final SharedCtx shared = new SharedCtx();
    private final Nginx nginx = new Nginx();

    Kong(PdkChannel channel) {
        this.channel = requireNonNull(channel, "channel");
    }

    /**
     * Calls any PDK function by its dotted name ({@code kong.service.request.enable_buffering}) with
     * positional arguments, returning what Kong returned: null, Boolean, Long, Double, String,
     * byte[], List or Map. {@code kong.response.exit} and {@code kong.response.error} end the event.
     *
     * <p>Kong passes on only the first value the function returns ({@code mp_rpc.lua}
     * {@code call_pdk_method}): a function that fails with {@code nil, err} answers null here, and
     * its error text never reaches the plugin. Treat null as that failure wherever the function
     * has no other reason to return nil.
     */
    public Object call(String dottedName, Object... args) {
        requireNonNull(dottedName, "dottedName");
        List<Object> list = args(args);
        if (dottedName.equals("kong.response.exit") || dottedName.equals("kong.response.error")) {
            channel.callLast(dottedName, list);
            return null;
        }
        return channel.call(dottedName, list);
    }

    public Request request() {
        return request;
    }

    public Client client() {
        return client;
    }

    public Service service() {
        return service;
    }

    public Response response() {
        return response;
    }

    public Log log() {
        return log;
    }

    /** {@code kong.ctx.shared}: values shared with the other plugins of the same request. */
    public SharedCtx ctxShared() {
        return shared;
    }

    public Nginx nginx() {
        return nginx;
    }

    /** {@code kong.request}: the request as the client sent it. */
    public final class Request {
        private Request() {}

        /** The first value of the header, or null. */
        public String getHeader(String name) {
            return text(call("kong.request.get_header", requireNonNull(name, "name")));
        }

        /** Every header (Kong stops at 100), names lower-cased, each with all its values. */
        public Map<String, List<String>> getHeaders() {
            return multiMap(call("kong.request.get_headers"));
        }

        /** Up to {@code maxHeaders} headers (Kong accepts 1 to 1000). */
        public Map<String, List<String>> getHeaders(int maxHeaders) {
            return multiMap(call("kong.request.get_headers", maxHeaders));
        }

        /**
         * The body, or null when Kong could not read it: nginx spilled it to a file (see
         * {@link #getRawBody(long)}). Kong 3.9 cannot even send that null (it fails encoding it as
         * a body, answers 500 and abandons the event), so ask only for bodies known to be readable.
         */
        public byte[] getRawBody() {
            return bytes(call("kong.request.get_raw_body"));
        }

        /**
         * The body, read from nginx's temporary file too when that file holds at most
         * {@code maxFileSize} bytes (0: any size); null when Kong could not read it, with the same
         * caveat as {@link #getRawBody()}: check the declared length before asking.
         */
        public byte[] getRawBody(long maxFileSize) {
            return bytes(call("kong.request.get_raw_body", maxFileSize));
        }

        public String getMethod() {
            return text(call("kong.request.get_method"));
        }

        /** The normalized path, without the query. */
        public String getPath() {
            return text(call("kong.request.get_path"));
        }

        /** The normalized path and the raw query: {@code /a/b?x=1}. */
        public String getPathWithQuery() {
            return text(call("kong.request.get_path_with_query"));
        }

        /** Query arguments, each with all its values; a bare {@code ?flag} has no values. */
        public Map<String, List<String>> getQuery() {
            return multiMap(call("kong.request.get_query"));
        }
    }

    /** {@code kong.client}: who is calling. */
    public final class Client {
        private Client() {}

        /** The authenticated Kong consumer ({@code id}, {@code username}, {@code custom_id}, ...), or null. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> getConsumer() {
            Object r = call("kong.client.get_consumer");
            return r instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        }
    }

    /** {@code kong.service}: where Kong proxies the request. */
    public final class Service {
        private final ServiceRequest request = new ServiceRequest();

        private Service() {}

        /** Sends the request to {@code host:port} instead of the service's upstream. */
        public void setTarget(String host, int port) {
            call("kong.service.set_target", requireNonNull(host, "host"), port);
        }

        public ServiceRequest request() {
            return request;
        }
    }

    /** {@code kong.service.request}: the request as Kong will send it upstream. */
    public final class ServiceRequest {
        private ServiceRequest() {}

        public void setHeader(String name, String value) {
            call("kong.service.request.set_header", requireNonNull(name, "name"), requireNonNull(value, "value"));
        }

        public void setPath(String path) {
            call("kong.service.request.set_path", requireNonNull(path, "path"));
        }

        /** {@code http} or {@code https}. */
        public void setScheme(String scheme) {
            call("kong.service.request.set_scheme", requireNonNull(scheme, "scheme"));
        }

        public void setRawBody(byte[] body) {
            call("kong.service.request.set_raw_body", requireNonNull(body, "body"));
        }
    }

    /** {@code kong.response}: what the client receives. */
    public final class Response {
        private Response() {}

        /**
         * Answers the client with this status, body and headers (a value may be a String or a List
         * of Strings) and ends the event: no PDK call may follow, and Kong runs no later plugin of
         * the phase.
         */
        public void exit(int status, byte[] body, Map<String, ?> headers) {
            List<Object> args = new ArrayList<>(3);
            args.add(status);
            args.add(body == null ? new byte[0] : body);
            if (headers != null && !headers.isEmpty()) {
                args.add(new LinkedHashMap<>(headers));
            }
            channel.callLast("kong.response.exit", args);
        }
    }

    /** {@code kong.log}. */
    public final class Log {
        private Log() {}

        /** Kong's log serializer output for the request (route, service, consumer, latencies, ...), as JSON. */
        public String serialize() {
            return text(call("kong.log.serialize"));
        }
    }

    /** {@code kong.ctx.shared}. */
    public final class SharedCtx {
        private SharedCtx() {}

        public Object get(String key) {
            return call("kong.ctx.shared.get", requireNonNull(key, "key"));
        }

        public void set(String key, Object value) {
            call("kong.ctx.shared.set", requireNonNull(key, "key"), value);
        }
    }

    /** {@code kong.nginx}. */
    public final class Nginx {
        private Nginx() {}

        /** An nginx variable ({@code ngx.var[name]}) as text, or null. */
        public String getVar(String name) {
            Object v = call("kong.nginx.get_var", requireNonNull(name, "name"));
            return v == null ? null : text(v);
        }
    }

    // Lua drops everything after a nil in an argument list, so trailing nulls are not sent.
    private static List<Object> args(Object[] args) {
        int n = args == null ? 0 : args.length;
        while (n > 0 && args[n - 1] == null) {
            n--;
        }
        return n == 0 ? List.of() : Collections.unmodifiableList(Arrays.asList(Arrays.copyOf(args, n)));
    }

    static String text(Object o) {
        return switch (o) {
            case null -> null;
            case String s -> s;
            case byte[] b -> new String(b, StandardCharsets.UTF_8);
            default -> String.valueOf(o);
        };
    }

    static byte[] bytes(Object o) {
        return switch (o) {
            case null -> null;
            case byte[] b -> b;
            case String s -> s.getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalStateException("expected a body, got " + o.getClass().getSimpleName());
        };
    }

    /** Kong sends header and query maps as {name: [values]}; a lone value or {@code true} may appear too. */
    static Map<String, List<String>> multiMap(Object o) {
        if (!(o instanceof Map<?, ?> map)) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>(map.size() * 2);
        map.forEach((k, v) -> {
            List<String> values = switch (v) {
                case List<?> l -> l.stream().map(Kong::text).toList();
                case Boolean b -> List.of();
                case null -> List.of();
                default -> List.of(text(v));
            };
            out.put(text(k), values);
        });
        return out;
    }
}
