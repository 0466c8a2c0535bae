package dev.fairway.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/fairway}: the one command-line entry point. */
@Command(name = "fairway",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Fairway: a self-hosted AI gateway. Serve it on its own, or plug it into Kong, Apache APISIX or Envoy.",
            ""
        },
        subcommands = {
            ServeCommand.class,
            MockProviderCommand.class,
            dev.fairway.kong.KongPluginServerCommand.class,
            dev.fairway.apisix.ApisixRunnerCommand.class,
            dev.fairway.envoy.EnvoyExtProcCommand.class,
            HashTokenCommand.class,
            VerifyLogsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FairwayCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new FairwayCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
