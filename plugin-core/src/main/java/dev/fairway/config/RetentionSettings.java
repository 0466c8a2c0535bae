package dev.fairway.config;

import java.util.Objects;

@Doc("How long the log store keeps a route's records, by age and by count (Cloudflare's log limits).")
public record RetentionSettings(
        @GreaterThan(0)
        @Doc("Records older than this many days are deleted; kept until the count limit when left out.") Integer maxAgeDays,
        @GreaterThan(0)
        @Doc("Most records kept for the route; no limit when left out.") Long maxRecords,
        @OneOf({"delete_oldest", "stop_inserting"})
        @Doc(value = "When max_records is reached: delete_oldest (the newest max_records are kept) or stop_inserting (new records stay in the spool and its export, not in the store).", defaultValue = "delete_oldest") String whenFull)
        implements Validatable {

    public RetentionSettings {
        whenFull = Objects.requireNonNullElse(whenFull, "delete_oldest");
    }

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
