package dev.fairway.apisix;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A runner started as APISIX's privileged agent starts one (init.lua spawn_proc): its own process,
 * APISIX_LISTEN_ADDRESS and APISIX_CONF_EXPIRE_TIME in the environment, stdin a pipe, output merged.
 * Stopped with SIGTERM, as exit_worker does.
 */
final class RunnerProcess implements AutoCloseable {
    final Process process;
    final long startedNanos;
    private final Path output;

    private RunnerProcess(Process process, long startedNanos, Path output) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.output = output;
    }

    /** {@code java [jvmArgs] -cp <this classpath> RunnerMain [args]}: the apisix-runner command as its own process. */
    static List<String> fromTestClasspath(List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RunnerMain.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static RunnerProcess start(List<String> command, Path socket, Path workDir, Map<String, String> env) throws IOException {
        Files.createDirectories(workDir);
        Path output = Files.createTempFile(workDir, "runner-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        pb.environment().put(RunnerEnvironment.LISTEN_ADDRESS, "unix:" + socket);
        pb.environment().put(RunnerEnvironment.CONF_EXPIRE_TIME, "3600");
        long t0 = System.nanoTime();
        return new RunnerProcess(pb.start(), t0, output);
    }

    /** Waits until something accepts connections on {@code socket}; false if the process died first. */
    boolean awaitListening(Path socket, Duration safetyNet) throws InterruptedException {
        long deadline = System.nanoTime() + safetyNet.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (!process.isAlive()) {
                return false;
            }
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(socket));
                return true;
            } catch (IOException e) {
                Thread.sleep(5);
            }
        }
        return false;
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "<no output: " + e.getMessage() + ">";
        }
    }

    /** SIGTERM, then waits for the exit (SIGKILL after the safety net); returns the exit code. */
    int terminate(Duration safetyNet) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(safetyNet.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate(Duration.ofSeconds(60));
        }
    }
}
