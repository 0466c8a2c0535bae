package dev.fairway.cli;

import dev.fairway.mock.MockOptions;
import dev.fairway.mock.MockProvider;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mock-provider",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the mock LLM provider for demos, tests and benchmarks.",
            "%nIt speaks the OpenAI, Anthropic, Google, Cohere and Bedrock wire formats with deterministic answers and usage, "
                    + "streams them, and injects faults on request (x-mock-status, x-mock-delay-ms, x-mock-chunk-delay-ms, "
                    + "x-mock-cut-after, x-mock-reset, x-mock-error-event, x-mock-fail-times, x-mock-fail-model).%n"
        })
final class MockProviderCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8081", description = "Port to bind; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--chunks", defaultValue = "5", description = "Content chunks per streamed answer (default: ${DEFAULT-VALUE}).")
    int chunks;

    @Override
    public Integer call() throws InterruptedException {
        MockProvider mock = MockProvider.start(MockOptions.builder().host(host).port(port).chunks(chunks).build());
        System.out.println("mock provider listening on " + mock.baseUrl());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mock.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
