package dev.fairway.kong.pdk;

import java.util.List;

/**
 * How a handler's PDK calls reach Kong: one call, one answer, on the event's step loop.
 *
 * <p>Calls cannot be pipelined (several written before their answers are read), because in this
 * protocol Kong asks and the plugin server only answers. Kong 3.9's
 * {@code kong/runloop/plugin_servers/rpc/mp_rpc.lua} (the same from 3.9.0 to 3.9.3): its event loop
 * takes the one PDK method and arguments that the reply to its last request names, runs that one
 * function, and sends its result as a new request ({@code plugin.Step}, with a new message id, on
 * whichever pooled socket comes first); it reads each reply with a reader made for that request
 * alone, asserts that the reply carries that request's id (a Lua error otherwise: Kong answers
 * 500), and puts the socket back in nginx's keepalive pool. A second call written behind the first
 * is thus either lost with that reader (same read) or left on the pooled socket, which nginx
 * closes as soon as it is readable, or read by the next request, whose id assertion fails. It is
 * never run. Each call therefore costs a round trip; fewer round trips means fewer calls.
 */
interface PdkChannel {
    /** Runs {@code method} in Kong and returns its first result; a failure ({@code nil, err}) is null. */
    Object call(String method, List<Object> args);

    /**
     * Runs {@code method} as the event's last call, without waiting: Kong may never answer it
     * ({@code kong.response.exit} in the access phase ends the handler on Kong's side).
     */
    void callLast(String method, List<Object> args);
}
