package dev.fairway.cli;

import dev.fairway.config.ConfigException;
import picocli.CommandLine;

/** Turns configuration and start-up failures into one clear message and exit status 2, not a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof ConfigException c) {
            cl.getErr().println("fairway: invalid configuration:");
            c.problems().forEach(p -> cl.getErr().println("  " + p));
            return 2;
        }
        if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) {
            cl.getErr().println("fairway: " + e.getMessage());
            return 2;
        }
        throw new IllegalStateException(e);
    }
}
