package dev.fairway.guardrail;

import static java.util.Objects.requireNonNull;

/** One configured guardrail, ready to run. */
record Rule(String name, boolean block, Finder finder) {
    Rule {
        requireNonNull(name, "name");
        requireNonNull(finder, "finder");
    }
}
