package dev.fairway.apisix;

import picocli.CommandLine;

/** {@code fairway apisix-runner} from the test classpath, for tests that need the runner as its own process. */
public final class RunnerMain {
    private RunnerMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ApisixRunnerCommand()).execute(args));
    }
}
