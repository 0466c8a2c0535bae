package dev.fairway.kong.pdk;

import java.util.List;

/** How a handler's PDK calls reach Kong: one call, one answer, on the event's step loop. */
interface PdkChannel {
    /** Runs {@code method} in Kong and returns its first result; a failure ({@code nil, err}) is null. */
    Object call(String method, List<Object> args);

    /**
     * Runs {@code method} as the event's last call, without waiting: Kong may never answer it
     * ({@code kong.response.exit} in the access phase ends the handler on Kong's side).
     */
    void callLast(String method, List<Object> args);
}
