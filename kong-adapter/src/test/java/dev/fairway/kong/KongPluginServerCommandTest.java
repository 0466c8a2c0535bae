package dev.fairway.kong;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KongPluginServerCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KONG_TYPES = Set.of("string", "integer", "number", "boolean", "array", "set", "map", "record");

    /**
     * The schema Kong validates plugin configurations with. When the config model changes on
     * purpose, the new dump is written to target/dump.actual.json: review it and copy it over the
     * golden file (with the version replaced by @project.version@).
     */
    @Test
    void dumpMatchesTheGoldenFile() throws Exception {
        String actual = KongPluginServerCommand.dumpJson();
        String golden;
        try (InputStream in = getClass().getResourceAsStream("dump.golden.json")) {
            golden = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("@project.version@", FairwayPluginInfo.version());
        }
        JsonNode actualTree = JSON.readTree(actual);
        if (!actualTree.equals(JSON.readTree(golden))) {
            Files.writeString(Path.of("target", "dump.actual.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actualTree));
        }
        assertThat(actualTree).isEqualTo(JSON.readTree(golden));
    }

    @Test
    void dumpOptionPrintsOneLineOfJsonAndExits() throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = new CommandLine(new KongPluginServerCommand()).execute("-dump");
        } finally {
            System.setOut(saved);
        }
        String out = captured.toString(StandardCharsets.UTF_8);

        assertThat(code).isZero();
        assertThat(out.strip()).doesNotContain("\n").isEqualTo(KongPluginServerCommand.dumpJson());
        JsonNode plugin = JSON.readTree(out).path("Plugins").path(0);
        assertThat(plugin.path("Name").asText()).isEqualTo("fairway");
        assertThat(plugin.path("Priority").asInt()).isEqualTo(900);
        assertThat(JSON.readTree(out).path("Protocol").asText()).isEqualTo("MsgPack:1");
    }

    /** The rules of Kong's metaschema that a generated schema could break. */
    @Test
    void schemaFollowsKongsMetaschema() throws Exception {
        JsonNode schema = JSON.readTree(KongPluginServerCommand.dumpJson()).path("Plugins").path(0).path("Schema");
        assertThat(schema.path("name").asText()).isEqualTo("fairway");
        JsonNode config = schema.path("fields").path(0).path("config");
        List<String> problems = new ArrayList<>();
        check("config", config, problems);
        assertThat(problems).isEmpty();
    }

    private static void check(String path, JsonNode field, List<String> problems) {
        String type = field.path("type").asText();
        if (!KONG_TYPES.contains(type)) {
            problems.add(path + ": type " + type);
            return;
        }
        JsonNode dflt = field.get("default");
        if (dflt != null && !fits(type, dflt)) {
            problems.add(path + ": default " + dflt + " is not a " + type);
        }
        switch (type) {
            case "record" -> {
                if (!field.path("fields").isArray()) {
                    problems.add(path + ": record without fields");
                }
                for (JsonNode f : field.path("fields")) {
                    Map.Entry<String, JsonNode> e = f.properties().iterator().next();
                    if (!e.getValue().path("description").isTextual() && !path.contains("<")) {
                        problems.add(path + "." + e.getKey() + ": no description");
                    }
                    check(path + "." + e.getKey(), e.getValue(), problems);
                }
            }
            case "array", "set" -> check(path + "[]", field.path("elements"), problems);
            case "map" -> {
                check(path + "<key>", field.path("keys"), problems);
                check(path + "<value>", field.path("values"), problems);
            }
            default -> { }
        }
    }

    private static boolean fits(String type, JsonNode v) {
        return switch (type) {
            case "string" -> v.isTextual();
            case "integer" -> v.isIntegralNumber();
            case "number" -> v.isNumber();
            case "boolean" -> v.isBoolean();
            case "array", "set" -> v.isArray();
            case "map", "record" -> v.isObject();
            default -> false;
        };
    }

    @Test
    void defaultSocketFollowsKongsConvention() {
        assertThat(KongPluginServerCommand.defaultSocket().getFileName().toString()).isEqualTo("fairway.socket");
        String prefix = System.getenv("KONG_PREFIX");
        assertThat(KongPluginServerCommand.defaultSocket().getParent().toString())
                .isEqualTo(prefix == null || prefix.isBlank() ? "/usr/local/kong" : prefix);
    }

    @Test
    void badProcessConfigStopsTheServerBeforeItListens(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("fairway.yaml"), "dispatch: {loopback_port: 70000}\n");
        Path socket = dir.resolve("fairway.socket");
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = new CommandLine(new KongPluginServerCommand()).execute("--socket", socket.toString(), "--config", config.toString());
        } finally {
            System.setErr(saved);
        }

        assertThat(code).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("invalid configuration", "dispatch.loopback_port: 70000 (expected: 0..65535)");
        assertThat(socket).doesNotExist();
    }

    @Test
    void nonPositiveTimeoutsAreRefused() {
        PrintStream saved = System.err;
        int code;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            code = new CommandLine(new KongPluginServerCommand()).execute("--event-timeout-seconds", "0");
        } finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(2);
    }

    @Test
    void helpNamesEveryOption() {
        String usage = new CommandLine(new KongPluginServerCommand()).getUsageMessage();
        assertThat(usage).contains("kong-pluginserver", "-dump", "--socket=<path>", "--config=<yaml>",
                "--event-timeout-seconds", "--instance-idle-seconds");
    }
}
