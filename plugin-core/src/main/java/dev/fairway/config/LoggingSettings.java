package dev.fairway.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

@Doc("Request logs of one route.")
public record LoggingSettings(
        @Doc(value = "Write one log record per request; cf-aig-collect-log: false turns it off for one request.", defaultValue = "true") Boolean enabled,
        @Doc(value = "Include request and response bodies in records; cf-aig-collect-log-payload: false turns them off for one request.", defaultValue = "false") Boolean payloads,
        @Between(min = 0, max = 10 * 1024 * 1024)
        @Doc(value = "Largest part of each body kept in a record, in bytes; the rest is cut and the record says so.", defaultValue = "65536") Integer maxPayloadBytes,
        @Doc(value = "Patterns replaced in bodies before anything is written: email, phone, iban, card, ahv (Swiss social security number).", defaultValue = "[]")
        List<@OneOf({"email", "phone", "iban", "card", "ahv"}) String> redact,
        @Doc(value = "Request header names left out of records, besides the credential headers that are always left out.", defaultValue = "[]")
        List<@Match(value = ".*\\S.*", expected = "not blank", message = "must not be blank") String> removeHeaders,
        @Doc(value = "Hold back the end of each answer (its last bytes) until the request's record is appended to the spool and forced to disk, so an answer a client received whole has a record even if the process is killed (SIGKILL) right after. Costs a disk sync on each answer's path; a disk that stalls for 10 s releases the answer.", defaultValue = "false") Boolean recordBeforeAnswer)
        implements Validatable {

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
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
