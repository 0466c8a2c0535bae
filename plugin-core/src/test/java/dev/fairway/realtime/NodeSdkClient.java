package dev.fairway.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The official openai Node SDK, installed from the committed lock file
 * ({@code src/test/resources/realtime-node}) into {@code target/realtime-node} with {@code npm ci}
 * once (again only when the lock changes), and a script run with it. Without node or npm the test
 * is skipped, saying so; in CI ({@code CI=true}, where .ci/run installs them) it fails instead.
 */
final class NodeSdkClient {
    private static final String RESOURCES = "/realtime-node/";
    private static final Path HOME = Path.of("target", "realtime-node");

    private NodeSdkClient() {}

    /** The install directory, ready: node and npm present, the locked packages installed. */
    static Path installed() throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("node", "npm")) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            String why = missing + " not on PATH: the official openai Node SDK client cannot run (.ci/run installs nodejs and npm)";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
        Files.createDirectories(HOME);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json", "realtime.mjs")) {
            changed |= copy(file) && !file.endsWith(".mjs");
        }
        if (changed || !Files.isDirectory(HOME.resolve("node_modules/openai"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
        }
        return HOME;
    }

    /** Runs {@code node realtime.mjs args...}; its standard output (one JSON line), failing on a non-zero exit. */
    static String realtime(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", "realtime.mjs"));
        command.addAll(List.of(args));
        return run(command, 60);
    }

    private static String run(List<String> command, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile(HOME.toAbsolutePath(), "out", ".txt");
        Path err = Files.createTempFile(HOME.toAbsolutePath(), "err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(HOME.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " ran over " + seconds + " s: " + Files.readString(err));
            }
            assertThat(p.exitValue()).as(command + ": " + Files.readString(err, StandardCharsets.UTF_8)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8).trim();
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Copies a resource into the install directory; whether it differed from what was there. */
    private static boolean copy(String file) throws IOException {
        byte[] bytes;
        try (InputStream in = NodeSdkClient.class.getResourceAsStream(RESOURCES + file)) {
            assertThat(in).as(RESOURCES + file).isNotNull();
            bytes = in.readAllBytes();
        }
        Path target = HOME.resolve(file);
        if (Files.exists(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
            return false;
        }
        Path tmp = Files.createTempFile(HOME, file, ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
