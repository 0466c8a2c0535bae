package dev.fairway.headers;

/** How the wait between attempts grows ({@code cf-aig-backoff}). */
public enum Backoff {
    CONSTANT, LINEAR, EXPONENTIAL
}
