package dev.fairway.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

@Doc("Request logs of one route.")
public record LoggingSettings(
        @Doc(value = "Write one log record per request. cf-aig-collect-log overrides it per request, as on Cloudflare: true writes a record even when this is false; false writes none where allow_opt_out permits.", defaultValue = "true") Boolean enabled,
        @Doc(value = "Include request and response bodies in records (redacted per redact). cf-aig-collect-log-payload overrides it per request: true adds them where this is false, false leaves them out.", defaultValue = "true") Boolean payloads,
        @Between(min = 0, max = 10 * 1024 * 1024)
        @Doc(value = "Largest part of each body kept in a record, in bytes; the rest is cut and the record says so.", defaultValue = "65536") Integer maxPayloadBytes,
        @Doc(value = "Patterns replaced in bodies before anything is written: email, phone, iban, card, ahv (Swiss social security number).", defaultValue = "[]")
        List<@OneOf({"email", "phone", "iban", "card", "ahv"}) String> redact,
        @Doc(value = "Request header names left out of records, besides the credential headers that are always left out.", defaultValue = "[]")
        List<@Match(value = ".*\\S.*", expected = "not blank", message = "must not be blank") String> removeHeaders,
        @Doc(value = "Hold back the end of each answer (its last bytes) until the request's record is appended to the spool and forced to disk, so an answer a client received whole has a record even if the process is killed (SIGKILL) right after. Costs a disk sync on each answer's path; a disk that stalls for 10 s releases the answer.", defaultValue = "false") Boolean recordBeforeAnswer,
        @Doc(value = "Whether a caller's cf-aig-collect-log: false leaves no record. When false, such a request still gets a metadata-only record (no bodies) and the header is listed in fairway-ignored-headers. When left out: true on routes without gateway authentication, false on authenticated ones, so authenticated callers cannot leave the audit log.") Boolean allowOptOut,
        @Doc("How long the log store keeps this route's records; kept until erased when left out.") RetentionSettings retention)
        implements Validatable {

    public LoggingSettings {
        enabled = Objects.requireNonNullElse(enabled, true);
        payloads = Objects.requireNonNullElse(payloads, true);
        maxPayloadBytes = Objects.requireNonNullElse(maxPayloadBytes, 65536);
        redact = List.copyOf(Objects.requireNonNullElse(redact, List.of()));
        removeHeaders = Objects.requireNonNullElse(removeHeaders, List.<String>of()).stream()
                .map(h -> h == null ? "" : h.toLowerCase(Locale.ROOT)).toList();
        recordBeforeAnswer = Objects.requireNonNullElse(recordBeforeAnswer, false);
    }

    public static LoggingSettings defaults() {
        return new LoggingSettings(null, null, null, null, null, null, null, null);
    }

    /** Whether cf-aig-collect-log: false may suppress the record, on a route with or without gateway authentication. */
    public boolean optOutAllowed(boolean authenticatedRoute) {
        return allowOptOut != null ? allowOptOut : !authenticatedRoute;
    }

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
