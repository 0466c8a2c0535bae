package dev.fairway.guardrail;

import dev.fairway.config.Between;
import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.OneOf;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.List;

@Doc("A custom guardrail: a regular expression searched for in the request's text.")
public record CustomRule(
        @Required(message = "null (expected: lower case letters, digits, '_' and '-')")
        @Match(value = "[a-z0-9][a-z0-9_-]*", expected = "lower case letters, digits, '_' and '-'")
        @Length(min = 1, max = 64, expected = "lower case letters, digits, '_' and '-'")
        @Doc("Name reported in findings and in the 400 of a block, for example project_codename.") String name,
        @Required
        @Doc("Java regular expression; nested quantifiers and back-references are refused, and matching is bounded in time.") GuardPattern pattern,
        @OneOf(value = {"flag", "block"}, expected = "flag or block")
        @Doc(value = "flag (let the request through and record the finding in cf-aig-dlp) or block (answer 400 naming the rule).", defaultValue = "flag") String action,
        @Doc(value = "What to check, as Cloudflare's DLP policies do: request (the prompt, before it leaves the gateway), response (the answer, streams included: a stream is held back only by the longest text a match can span, and a block ends it with an error event), or both.", defaultValue = "[request]") List<@OneOf(value = {"request", "response"}, expected = "request or response") String> check,
        @Between(min = 1, max = 8192)
        @Doc(value = "The longest text a match can span, in characters (1 to 8192): how much of a checked stream is held back until it is checked. Longer matches may be missed in responses.", defaultValue = "256") Integer maxMatchChars)
        implements Validatable {

    public CustomRule {
        action = action == null ? "flag" : action;
        check = GuardrailSettings.checks(check);
        maxMatchChars = maxMatchChars == null ? 256 : maxMatchChars;
    }

    @Override
    public void validate(Problems problems) {
        GuardrailSettings.checkChecks(check, problems);
    }
}
