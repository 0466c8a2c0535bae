package dev.fairway.balance;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Secret;
import dev.fairway.config.UrlRules;
import dev.fairway.config.Validatable;
import java.util.Objects;

@Doc("One member of a pool: a deployment, a key or a replica of the pool's provider.")
public record MemberSettings(
        @Required(message = "null (expected: 1 to 64 letters, digits, '_', '-' or '.')")
        @Match(value = "[A-Za-z0-9_.-]+", expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Length(min = 1, max = 64, expected = "1 to 64 letters, digits, '_', '-' or '.'")
        @Doc("Member name, unique within the pool; logs and circuits name it, never its key.") String name,
        @Doc("The member's base URL (an absolute https URL; http only for loopback or private hosts); when left out, the provider's for this route.") String baseUrl,
        @Doc("The member's provider key; a literal, ${env:NAME} or ${file:/path}. When left out, the route's key for the provider.") Secret apiKey,
        @Between(min = 1, max = 1_000_000, expected = "1 to 1000000")
        @Doc(value = "Relative share of requests under weighted_random, and of the draws under lowest_latency.", defaultValue = "1") Integer weight,
        @Doc("The member's own rate limit; when it is spent the member is passed over for the next one.") MemberLimit rateLimit)
        implements Validatable {

    public MemberSettings {
        weight = Objects.requireNonNullElse(weight, 1);
    }

    @Override
    public void validate(Problems problems) {
        if (baseUrl != null) {
            String why = UrlRules.upstreamProblem(baseUrl);
            problems.require(why == null, "base_url", "%s", why);
        }
        if (rateLimit != null) {
            rateLimit.validate(problems.at("rate_limit"));
        }
    }
}
