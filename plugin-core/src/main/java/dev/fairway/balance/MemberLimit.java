package dev.fairway.balance;

import dev.fairway.config.Doc;
import dev.fairway.config.GreaterThan;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.QuotaRule;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.List;
import java.util.Objects;

@Doc("A pool member's own rate limit, in requests per window, kept in the quota store (memory, or Redis when redis is set).")
public record MemberLimit(
        @Required(message = "missing (expected: > 0)")
        @GreaterThan(0)
        @Doc("Requests the member may take per window; a whole number > 0.") Double limit,
        @Required(message = "missing (expected: e.g. 60s, 1h, 1d)")
        @Match(value = "[0-9]+[smhd]", expected = "a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d")
        @Length(max = 10, expected = "a whole number with s, m, h or d, from 1s to 366d, e.g. 60s, 1h, 1d")
        @Doc("Window length: a whole number followed by s, m, h or d (60s, 1m, 1h).") String window,
        @Doc(value = "fixed or sliding, as for quotas.", defaultValue = "sliding") QuotaRule.Technique technique)
        implements Validatable {

    public MemberLimit {
        technique = Objects.requireNonNullElse(technique, QuotaRule.Technique.SLIDING);
    }

    /** The limit as a quota rule of one request per request, named after the member (for the bucket's key). */
    public QuotaRule asRule(String member) {
        return new QuotaRule(member, List.of("route"), QuotaRule.Unit.REQUESTS, limit, window, technique, QuotaRule.StoreFailure.FAIL_OPEN);
    }

    @Override
    public void validate(Problems problems) {
        // What spans fields (a limit that fits its window) is checked as a quota rule's is, with the same messages.
        asRule("member").validate(problems);
    }
}
