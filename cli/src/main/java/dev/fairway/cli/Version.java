package dev.fairway.cli;

import picocli.CommandLine;

final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = FairwayCommand.class.getPackage().getImplementationVersion();
        return new String[] {"fairway " + (v == null ? "(development build)" : v) + ", Java " + Runtime.version()};
    }
}
