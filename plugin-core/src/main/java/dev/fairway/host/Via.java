package dev.fairway.host;

/** How a host sends a forwarded request upstream: through the loopback dispatcher, or itself. */
public final class Via {
    /** The host forwards to the dispatcher with a one-time ticket (Kong, APISIX, Envoy's dispatcher mode). */
    public static final Via TICKET = new Via(false, false);

    private final boolean direct;
    private final boolean rewritesBody;

    private Via(boolean direct, boolean rewritesBody) {
        this.direct = direct;
        this.rewritesBody = rewritesBody;
    }

    /**
     * The host proxies upstream itself (Envoy's direct mode).
     *
     * @param rewritesBody whether the host can replace the answer's body on its way to the client
     *     (Envoy: a response body mode that sends every byte)
     */
    public static Via direct(boolean rewritesBody) {
        return new Via(true, rewritesBody);
    }

    public boolean isDirect() {
        return direct;
    }

    public boolean rewritesBody() {
        return rewritesBody;
    }

    @Override
    public String toString() {
        return direct ? "direct(rewritesBody=" + rewritesBody + ")" : "ticket";
    }
}
