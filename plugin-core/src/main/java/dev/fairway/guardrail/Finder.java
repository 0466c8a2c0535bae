package dev.fairway.guardrail;

/** Finds whether a text holds what a guardrail looks for; never says what or where, so nothing can echo it. */
interface Finder {
    boolean find(CharSequence text);
}
