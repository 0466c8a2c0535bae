package dev.fairway.guardrail;

import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.OneOf;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;

@Doc("A custom guardrail: a regular expression searched for in the request's text.")
public record CustomRule(
        @Required(message = "null (expected: lower case letters, digits, '_' and '-')")
        @Match(value = "[a-z0-9][a-z0-9_-]*", expected = "lower case letters, digits, '_' and '-'")
        @Length(min = 1, max = 64, expected = "lower case letters, digits, '_' and '-'")
        @Doc("Name reported in findings and in the 400 of a block, for example project_codename.") String name,
        @Required
        @Doc("Java regular expression; nested quantifiers and back-references are refused, and matching is bounded in time.") GuardPattern pattern,
        @OneOf(value = {"flag", "block"}, expected = "flag or block")
        @Doc(value = "flag (let the request through and record the finding in cf-aig-dlp) or block (answer 400 naming the rule).", defaultValue = "flag") String action)
        implements Validatable {

    public CustomRule {
        action = action == null ? "flag" : action;
    }

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
