package dev.fairway.kong.pdk;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The PDK functions Kong runs for an external plugin, over a {@link KongRequest}, as
 * {@code mp_rpc.lua}'s {@code call_pdk_method} sees them: only the first value a function returns
 * ({@code local ret = method(unpack(args))}), so {@code nil, err} is just nil; a function that
 * raises ({@code error(...)}) raises {@link LuaError} here. Maps come back as {@code must_fix}'s
 * {@code fix_mmap} makes them ({name: [values]}); what {@code must_fix} does to a nil (it cannot
 * encode one) is {@link KongDriver}'s part.
 */
final class Pdk {
    /** kong.response.exit yielded the plugin's coroutine (delayed response in access). */
    static final Object YIELDED = new Object();

    /** A Lua error raised while Kong ran the plugin's phase handler. */
    static final class LuaError extends RuntimeException {
        LuaError(String message) {
            super(message, null, false, false);
        }
    }

    private Pdk() {}

    static Object invoke(String method, List<Object> args, KongRequest req, String phase, List<String> kongErrors) {
        return switch (method) {
            case "kong.request.get_method" -> ok(req.method);
            case "kong.request.get_path" -> ok(req.path);
            case "kong.request.get_path_with_query" -> ok(req.query.isEmpty() ? req.path : req.path + "?" + req.query);
            case "kong.request.get_query" -> ok(query(req.query));
            case "kong.request.get_header" -> {
                List<String> v = req.headers.get(((String) args.get(0)).toLowerCase());
                yield ok(v == null || v.isEmpty() ? null : v.get(0));
            }
            case "kong.request.get_headers" -> {
                // ngx.req.get_headers stops at max_headers (100 unless given; Kong allows up to 1000).
                long max = args.isEmpty() ? 100 : (Long) args.get(0);
                if (max < 1) {
                    throw new LuaError("max_headers must be >= 1");
                } else if (max > 1000) {
                    throw new LuaError("max_headers must be <= 1000");
                }
                Map<String, List<String>> kept = new LinkedHashMap<>();
                req.headers.entrySet().stream().limit(max).forEach(e -> kept.put(e.getKey(), e.getValue()));
                yield ok(fixMultiMap(kept));
            }
            case "kong.request.get_raw_body" -> rawBody(req, args.isEmpty() ? null : (Long) args.get(0));
            case "kong.client.get_consumer" -> ok(req.consumer);
            case "kong.service.set_target" -> {
                if (!(args.get(1) instanceof Long port)) {
                    throw new LuaError("port must be an integer");
                }
                req.targetHost = (String) args.get(0);
                req.targetPort = port;
                yield ok(null);
            }
            case "kong.service.request.set_scheme" -> {
                req.scheme = (String) args.get(0);
                yield ok(null);
            }
            case "kong.service.request.set_path" -> {
                req.upstreamPath = (String) args.get(0);
                yield ok(null);
            }
            case "kong.service.request.set_header" -> {
                req.upstreamHeaders.put(((String) args.get(0)).toLowerCase(), (String) args.get(1));
                yield ok(null);
            }
            case "kong.service.request.set_raw_body" -> {
                Object b = args.get(0);
                req.upstreamBody = b instanceof byte[] bytes ? bytes : ((String) b).getBytes(StandardCharsets.UTF_8);
                yield ok(null);
            }
            case "kong.response.exit" -> {
                req.exitStatus = ((Long) args.get(0)).intValue();
                Object body = args.size() > 1 ? args.get(1) : null;
                req.exitBody = body instanceof byte[] b ? b : body == null ? null : ((String) body).getBytes(StandardCharsets.UTF_8);
                @SuppressWarnings("unchecked")
                Map<String, Object> headers = args.size() > 2 ? (Map<String, Object>) args.get(2) : Map.of();
                req.exitHeaders = headers;
                yield phase.equals("access") ? YIELDED : ok(null);
            }
            case "kong.log.serialize" -> ok(req.serialized);
            case "kong.ctx.shared.get" -> ok(req.ctxShared.get((String) args.get(0)));
            case "kong.ctx.shared.set" -> {
                req.ctxShared.put((String) args.get(0), args.size() > 1 ? args.get(1) : null);
                yield ok(null);
            }
            case "kong.nginx.get_var" -> ok(var(req, (String) args.get(0)));
            default -> {
                kongErrors.add("could not find pdk method: " + method);
                yield ok(null);
            }
        };
    }

    /**
     * {@code ngx.var[name]}; {@code request} and {@code request_uri} are nginx's own, from the
     * request line as the client sent it (HTTP/2 and 3 get one built from the pseudo-headers).
     */
    private static String var(KongRequest req, String name) {
        if (req.vars.containsKey(name)) {
            return req.vars.get(name);
        }
        String uri = req.query.isEmpty() ? req.path : req.path + "?" + req.query;
        return switch (name) {
            case "request" -> req.method + " " + uri + " HTTP/" + req.httpVersion;
            case "request_uri" -> uri;
            default -> null;
        };
    }

    private static Object ok(Object result) {
        return result;
    }

    /**
     * {@code kong/pdk/request.lua} {@code get_raw_body}: a body nginx kept in memory is returned
     * whatever the limit; one it spilled to a file only when a limit is given (0: none) and the
     * file is not larger; otherwise {@code nil, "request body file too big: ..."}, of which Kong
     * passes on the nil.
     */
    private static Object rawBody(KongRequest req, Long maxAllowedFileSize) {
        if (!req.spilled()) {
            return req.body;
        }
        if (maxAllowedFileSize == null || maxAllowedFileSize < 0) {
            return null;
        }
        return maxAllowedFileSize > 0 && req.body.length > maxAllowedFileSize ? null : req.body;
    }

    static Map<String, Object> fixMultiMap(Map<String, List<String>> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        // ngx gives a lone value as a string; fix_mmap wraps it in a list.
        m.forEach((k, v) -> out.put(k, v.size() == 1 ? List.of(v.get(0)) : new ArrayList<>(v)));
        return out;
    }

    private static Map<String, Object> query(String q) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        if (!q.isEmpty()) {
            for (String part : q.split("&")) {
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                List<String> values = m.computeIfAbsent(k, x -> new ArrayList<>());
                if (eq >= 0) {
                    values.add(part.substring(eq + 1));
                }
            }
        }
        return fixMultiMap(m);
    }
}
