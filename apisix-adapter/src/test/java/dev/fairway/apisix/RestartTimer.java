package dev.fairway.apisix;

import dev.fairway.apisix.ApisixDriver.Outcome;
import dev.fairway.apisix.ApisixDriver.PluginConf;
import dev.fairway.apisix.ApisixDriver.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Times a runner's restart as APISIX sees it: from spawning the process to the first request it
 * answers (a PrepareConf, then an HTTPReqCall for a chat completion, answered with the forward's
 * Rewrite; the provider is never called). Polls the socket every 5 ms, as a busy APISIX would
 * retry. Run: {@code RestartTimer <runs> <command...>}, e.g. with the command of ext-plugin.cmd.
 */
final class RestartTimer {
    static final PluginConf ROUTE = PluginConf.fairway("1",
            "{\"name\":\"chat\",\"providers\":{\"openai\":{\"base_url\":\"http://127.0.0.1:9\",\"api_key\":\"sk-timer\"}}}");

    private RestartTimer() {}

    /** One restart: the time to the first answered request, and that answer. */
    record Run(Duration toFirstAnswer, Duration cpuToFirstAnswer, Outcome answer) {}

    static Run once(List<String> command, Path workDir) throws Exception {
        Files.createDirectories(workDir);
        Path socket = workDir.resolve("apisix-1.sock");
        try (RunnerProcess runner = RunnerProcess.start(command, socket, workDir, Map.of())) {
            if (!runner.awaitListening(socket, Duration.ofSeconds(120))) {
                throw new IllegalStateException("the runner did not start:\n" + runner.output());
            }
            try (ApisixDriver apisix = new ApisixDriver(socket, System::nanoTime)) {
                Outcome answer = apisix.communicate(ROUTE, Request.of("POST", "/openai/v1/chat/completions",
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8),
                        "content-type", "application/json"));
                Duration took = Duration.ofNanos(System.nanoTime() - runner.startedNanos);
                // CPU time says what the start costs regardless of how busy the machine is.
                Duration cpu = runner.process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
                return new Run(took, cpu, answer);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        List<String> command = List.of(Arrays.copyOfRange(args, 1, args.length));
        List<Long> millis = new ArrayList<>();
        List<Long> cpuMillis = new ArrayList<>();
        Path work = Files.createTempDirectory("restart-timer");
        for (int i = 0; i < runs; i++) {
            Run run = once(command, work.resolve("run-" + i));
            millis.add(run.toFirstAnswer().toMillis());
            cpuMillis.add(run.cpuToFirstAnswer().toMillis());
            System.out.printf("run %d: %d ms to the first answer, %d ms of CPU (%s)%n", i + 1, run.toFirstAnswer().toMillis(),
                    run.cpuToFirstAnswer().toMillis(), run.answer().getClass().getSimpleName());
        }
        List<Long> sorted = millis.stream().sorted().toList();
        List<Long> cpuSorted = cpuMillis.stream().sorted().toList();
        System.out.printf("median %d ms (min %d, max %d) to the first answer, median %d ms of CPU, over %d runs%n",
                sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1), cpuSorted.get(cpuSorted.size() / 2), runs);
    }
}
