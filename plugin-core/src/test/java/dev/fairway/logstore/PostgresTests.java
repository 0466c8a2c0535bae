package dev.fairway.logstore;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Starts a private PostgreSQL, or skips the test with the reason (fails instead on CI). */
public final class PostgresTests {
    private PostgresTests() {}

    public static PostgresFixture server() throws Exception {
        String why = PostgresFixture.unavailable();
        if (why != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI must run the PostgreSQL tests: " + why + " (.ci/run installs postgresql)");
        }
        assumeTrue(why == null, why);
        return PostgresFixture.start();
    }
}
