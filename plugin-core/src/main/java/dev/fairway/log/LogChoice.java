package dev.fairway.log;

import dev.fairway.config.LoggingSettings;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.headers.HeaderNote;
import dev.fairway.pipeline.Exchange;

/**
 * Whether one request gets a record, and with bodies, following Cloudflare's AI Gateway "Logging"
 * page: the route's setting is the default and {@code cf-aig-collect-log} overrides it both ways;
 * {@code cf-aig-collect-log-payload} defaults to true (changelog 2026-03-17, "Log AI Gateway request
 * metadata without storing payloads") and overrides the route's payload setting both ways. The one
 * exception is the route's {@code allow_opt_out}: where callers may not leave the audit log
 * (authenticated routes by default), {@code cf-aig-collect-log: false} still leaves a metadata-only
 * record and is reported as ignored.
 */
record LogChoice(boolean write, boolean payloads) {
    private static final LogChoice NONE = new LogChoice(false, false);

    static LogChoice of(Exchange exchange, LoggingSettings settings) {
        CfAigHeaders h = exchange.cfAig();
        if (Boolean.FALSE.equals(h.collectLog())) {
            if (!settings.enabled() || settings.optOutAllowed(exchange.route().auth().enabled())) {
                return NONE;
            }
            exchange.noteHeader(HeaderNote.ignored("cf-aig-collect-log",
                    "cf-aig-collect-log: false (ignored: this route does not allow callers to opt out; metadata-only record)"));
            return new LogChoice(true, false);
        }
        if (!settings.enabled() && !Boolean.TRUE.equals(h.collectLog())) {
            return NONE;
        }
        boolean payloads = h.collectLogPayload() != null ? h.collectLogPayload() : settings.payloads();
        return new LogChoice(true, payloads);
    }
}
