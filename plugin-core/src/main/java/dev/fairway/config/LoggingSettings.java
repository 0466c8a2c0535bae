package dev.fairway.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

@Doc("Request logs of one route.")
public record LoggingSettings(
        @Doc(value = "Write one log record per request; cf-aig-collect-log: false turns it off for one request.", defaultValue = "true") Boolean enabled,
        @Doc(value = "Include request and response bodies in records; cf-aig-collect-log-payload: false turns them off for one request.", defaultValue = "false") Boolean payloads,
        @Doc(value = "Largest part of each body kept in a record, in bytes; the rest is cut and the record says so.", defaultValue = "65536") Integer maxPayloadBytes,
        @Doc(value = "Patterns replaced in bodies before anything is written: email, phone, iban, card, ahv (Swiss social security number).", defaultValue = "[]") List<String> redact,
        @Doc(value = "Request header names left out of records, besides the credential headers that are always left out.", defaultValue = "[]") List<String> removeHeaders,
        @Doc(value = "Hold back the end of each answer (its last bytes) until the request's record is appended to the spool and forced to disk, so an answer a client received whole has a record even if the process is killed (SIGKILL) right after. Costs a disk sync on each answer's path; a disk that stalls for 10 s releases the answer.", defaultValue = "false") Boolean recordBeforeAnswer)
        implements Validatable {

    public static final Set<String> PATTERNS = Set.of("email", "phone", "iban", "card", "ahv");

    public LoggingSettings {
        enabled = Objects.requireNonNullElse(enabled, true);
        payloads = Objects.requireNonNullElse(payloads, false);
        maxPayloadBytes = Objects.requireNonNullElse(maxPayloadBytes, 65536);
        redact = List.copyOf(Objects.requireNonNullElse(redact, List.of()));
        removeHeaders = Objects.requireNonNullElse(removeHeaders, List.<String>of()).stream()
                .map(h -> h == null ? "" : h.toLowerCase(Locale.ROOT)).toList();
        recordBeforeAnswer = Objects.requireNonNullElse(recordBeforeAnswer, false);
    }

    public static LoggingSettings defaults() {
        return new LoggingSettings(null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(maxPayloadBytes >= 0 && maxPayloadBytes <= 10 * 1024 * 1024, "max_payload_bytes", "%s (expected: 0..10485760)", maxPayloadBytes);
        for (int i = 0; i < redact.size(); i++) {
            String p = redact.get(i);
            problems.require(p != null && PATTERNS.contains(p), "redact[" + i + "]", "%s (expected: one of email, phone, iban, card, ahv)", p);
        }
        for (int i = 0; i < removeHeaders.size(); i++) {
            problems.require(!removeHeaders.get(i).isBlank(), "remove_headers[" + i + "]", "must not be blank");
        }
    }
}
