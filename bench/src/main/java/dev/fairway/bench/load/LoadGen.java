package dev.fairway.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The open-loop load generator bench/run.sh drives; one measurement per call, one JSON line out.
 *
 * <pre>
 * fixed rate:  LoadGen --name fairway --url http://127.0.0.1:8787/openai/v1/chat/completions --case miss --rate 1000 --seconds 10
 * rate search: LoadGen ... --case hit --find-max --start 500 --ceiling 64000 --seconds 4 --max-steps 10 --budget-seconds 90
 * open streams: LoadGen ... --hold 1000 --ready /tmp/ready --header 'x-mock-chunk-delay-ms: 300'
 * </pre>
 *
 * Options: {@code --header 'name: value'} (repeatable), {@code --warmup-seconds} (default 2, not
 * recorded), {@code --out FILE} (append the line there too), {@code --connections} (default 512).
 */
public final class LoadGen {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double P99_LIMIT_MICROS = 50_000;

    private LoadGen() {}

    public static void main(String[] args) throws Exception {
        Map<String, List<String>> opts = parse(args);
        String name = one(opts, "name", "target");
        Target target = new Target(name, URI.create(required(opts, "url")), headers(opts));
        int connections = Integer.parseInt(one(opts, "connections", "512"));
        Vertx vertx = Vertx.vertx();
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        try {
            Map<String, Object> line;
            if (opts.containsKey("hold")) {
                int streams = Integer.parseInt(one(opts, "hold", "1000"));
                line = new StreamHold(vertx, client, target).run(streams, Path.of(required(opts, "ready")),
                        TimeUnit.SECONDS.toMillis(Long.parseLong(one(opts, "hold-seconds", "60"))));
            } else {
                line = measure(opts, vertx, client, target);
            }
            String text = JSON.writeValueAsString(line);
            System.out.println(text);
            if (opts.containsKey("out")) {
                Files.writeString(Path.of(one(opts, "out", null)), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } finally {
            client.close();
            vertx.close().await();
        }
    }

    private static Map<String, Object> measure(Map<String, List<String>> opts, Vertx vertx, HttpClientAgent client,
                                               Target target) {
        LoadCase loadCase = LoadCase.parse(required(opts, "case"));
        double seconds = Double.parseDouble(one(opts, "seconds", "10"));
        double warmup = Double.parseDouble(one(opts, "warmup-seconds", "2"));
        String runId = Long.toString(System.currentTimeMillis(), 36);
        OpenLoop loop = new OpenLoop(vertx, client, target, loadCase, runId, 20_000, 10_000);
        if (!opts.containsKey("find-max")) {
            double rate = Double.parseDouble(required(opts, "rate"));
            if (warmup > 0) {
                loop.run(rate, warmup);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", "fixed");
            m.putAll(loop.run(rate, seconds).toMap());
            return m;
        }
        double start = Double.parseDouble(one(opts, "start", "500"));
        RateSearch search = new RateSearch(start, Double.parseDouble(one(opts, "factor", "2")),
                Double.parseDouble(one(opts, "ceiling", "64000")), Integer.parseInt(one(opts, "max-steps", "10")),
                TimeUnit.SECONDS.toNanos(Long.parseLong(one(opts, "budget-seconds", "90"))), P99_LIMIT_MICROS, System::nanoTime);
        if (warmup > 0) {
            loop.run(start, warmup);
        }
        RateSearch.Result r = search.run(rate -> {
            Outcome o = loop.run(rate, seconds);
            pause();
            return o;
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "max");
        m.put("target", target.name());
        m.put("case", loadCase.label());
        m.put("p99_limit_us", P99_LIMIT_MICROS);
        m.put("best_rps", r.best());
        m.put("ceiling_reached", r.ceilingReached());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (RateSearch.Step s : r.steps()) {
            Map<String, Object> step = s.outcome().toMap();
            step.put("kept", s.kept());
            steps.add(step);
        }
        m.put("steps", steps);
        return m;
    }

    /** Lets a server that fell behind drain its queues before the next step. */
    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<Map.Entry<String, String>> headers(Map<String, List<String>> opts) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String h : opts.getOrDefault("header", List.of())) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header: " + h + " (expected: 'name: value')");
            }
            out.add(Map.entry(h.substring(0, colon).trim(), h.substring(colon + 1).trim()));
        }
        return out;
    }

    private static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException(args[i] + " (expected: --option [value])");
            }
            String key = args[i].substring(2);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            opts.computeIfAbsent(key, k -> new ArrayList<>()).add(flag ? "" : args[++i]);
        }
        return opts;
    }

    private static String one(Map<String, List<String>> opts, String key, String fallback) {
        List<String> v = opts.get(key);
        return v == null || v.get(0).isEmpty() ? fallback : v.get(v.size() - 1);
    }

    private static String required(Map<String, List<String>> opts, String key) {
        String v = one(opts, key, null);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }
}
