package dev.fairway.kong;

import picocli.CommandLine;

/** {@code fairway kong-pluginserver} as a process of its own, for tests that signal a real child process. */
public final class KongPluginServerMain {
    private KongPluginServerMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new KongPluginServerCommand()).execute(args));
    }
}
