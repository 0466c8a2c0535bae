package dev.fairway.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code fairway serve} as a process of its own (a JVM on the built classpath), for multi-process tests. */
final class ServeProcesses {
    static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
    static final Pattern ADMIN = Pattern.compile("admin: .* at (http://\\S+)/dashboard");

    private ServeProcesses() {}

    /** Starts {@code fairway serve --config config} in {@code dir}, output and errors on one stream. */
    static Process start(Path config, Path dir) throws IOException {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FairwayCommand.class.getName(), "serve", "--config", config.toString());
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    /**
     * Reads the process's output until each pattern matched once, in order; their first groups. All
     * of its output goes on into {@code log} (under target/, kept for a look after a failure).
     */
    static List<String> await(Process p, Path log, Pattern... patterns) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        java.io.Writer copy = Files.newBufferedWriter(log);
        List<String> found = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            copy.write(line + "\n");
            Matcher m = patterns[found.size()].matcher(line);
            if (m.find()) {
                found.add(m.group(1));
            }
            if (found.size() == patterns.length) {
                copy.flush();
                Thread.ofVirtual().start(() -> { // keep the pipe drained
                    try (copy) {
                        for (String l; (l = out.readLine()) != null; ) {
                            copy.write(l + "\n");
                            copy.flush();
                        }
                    } catch (IOException e) {
                        // The node was killed: its output ends here.
                    }
                });
                return found;
            }
        }
        copy.close();
        throw new AssertionError("a gateway node exited before listening; see " + log.toAbsolutePath());
    }
}
