package dev.fairway.guardrail;

import static java.util.Objects.requireNonNull;

/**
 * One configured guardrail, ready to run.
 *
 * @param request whether it checks requests
 * @param response whether it checks answers
 * @param maxSpan the most characters one match can span: what a checked stream holds back
 */
record Rule(String name, boolean block, Finder finder, boolean request, boolean response, int maxSpan) {
    Rule {
        requireNonNull(name, "name");
        requireNonNull(finder, "finder");
    }
}
