package dev.fairway.pipeline;

import dev.fairway.config.Secret;
import dev.fairway.headers.CfAigHeaderParser;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.http.HopByHop;
import dev.fairway.plan.PlannedTarget;
import dev.fairway.provider.AuthStyle;
import dev.fairway.provider.UpstreamTarget;

/** What an exchange sends to one planned target, and whose credential that is. */
final class UpstreamRequests {
    /** The dispatcher's ticket header; a host forwards it to us, we never forward it on. */
    private static final String TICKET_HEADER = "x-fairway-ticket";

    private UpstreamRequests() {}

    /** See {@link Exchange#credentialFingerprint()}. */
    static String credentialFingerprint(PlannedTarget first, CfAigHeaders cfAig, Headers clientHeaders) {
        UpstreamTarget target = first.target();
        Secret key = target.settings().key(cfAig.byokAlias());
        if (key != null) {
            return key.fingerprint();
        }
        if (target.settings().aws() != null) {
            return target.settings().aws().accessKeyId().fingerprint();
        }
        String client = target.provider().auth().clientCredential(first.headers().size() > 0
                ? Headers.copyOf(clientHeaders).setAll(first.headers()) : clientHeaders);
        return client == null ? "anonymous" : Secret.fingerprint(client);
    }

    /**
     * See {@link Exchange#upstreamRequest(PlannedTarget)}.
     *
     * @param clientBody the body as the exchange carries it
     * @param upstreamBody the body a step chose to send instead, or {@code clientBody}
     */
    static UpstreamRequest of(PlannedTarget p, String method, CfAigHeaders cfAig, Headers clientHeaders, byte[] clientBody,
                              byte[] upstreamBody) {
        UpstreamTarget t = p.target();
        Headers relayable = HopByHop.strip(clientHeaders);
        Headers out = new Headers();
        for (int i = 0; i < relayable.size(); i++) {
            String name = relayable.name(i);
            if (!CfAigHeaderParser.isGatewayHeader(name) && !name.equals("accept-encoding") && !name.equals(TICKET_HEADER)) {
                out.add(name, relayable.value(i));
            }
        }
        // A step's own headers (its provider credential) win over the client's.
        out.setAll(p.headers());
        // Observers read the body (usage, cache): ask for it uncompressed.
        out.set("accept-encoding", "identity");
        Secret key = t.settings().key(cfAig.byokAlias());
        if (key != null) {
            AuthStyle.CREDENTIAL_HEADERS.forEach(out::remove);
            t.provider().auth().apply(out, key.reveal());
        }
        byte[] own = p.body();
        byte[] bytes = own != null ? own : upstreamBody;
        if (own != null || bytes != clientBody) {
            out.set("content-type", "application/json");
        }
        return new UpstreamRequest(p.translator() == null ? method : "POST", t.uri(), out, bytes);
    }
}
