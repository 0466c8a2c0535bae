package dev.fairway.prompt;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt repository on the admin listener: {@code GET /prompts} lists the prompts,
 * {@code GET /prompts/{name}} lists a prompt's versions, {@code GET /prompts/{name}/{version|latest}}
 * returns one, {@code PUT /prompts/{name}} stores its body (one version: messages, model,
 * parameters) as the next version and answers 201 with its number. The admin listener checks the
 * admin token before calling this.
 */
public final class PromptAdmin {
    /** Largest version body accepted. */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of());

    /** An answer: status and JSON body. */
    public record Reply(int status, byte[] body) {}

    private final PromptRepository repository;

    public PromptAdmin(PromptRepository repository) {
        this.repository = requireNonNull(repository, "repository");
    }

    /** Whether {@code path} is this handler's. */
    public static boolean handles(String path) {
        return path.equals("/prompts") || path.startsWith("/prompts/");
    }

    /** @throws GatewayError the 4xx to answer */
    public Reply handle(String method, String path, byte[] body) {
        String[] parts = path.substring(1).split("/", -1);
        if (parts.length > 3 || parts.length > 1 && parts[1].isEmpty()) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "%s (expected: /prompts, /prompts/{name} or /prompts/{name}/{version})", path);
        }
        boolean put = method.equals("PUT") && parts.length == 2;
        if (!put && !method.equals("GET")) {
            throw GatewayError.of(ErrorType.METHOD_NOT_ALLOWED, "%s %s (expected: GET, or PUT /prompts/{name})", method, path);
        }
        if (parts.length == 1) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (String name : repository.names()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", name);
                entry.put("versions", repository.versions(name).size());
                list.add(entry);
            }
            return ok(200, Map.of("prompts", list));
        }
        String name = parts[1];
        if (put) {
            if (body.length > MAX_BODY_BYTES) {
                throw GatewayError.of(ErrorType.PAYLOAD_TOO_LARGE, "body: %d bytes (expected: at most %d)", body.length, MAX_BODY_BYTES);
            }
            PromptVersion version;
            try {
                version = LOADER.parsePart(new String(body, StandardCharsets.UTF_8), PromptVersion.class);
            } catch (ConfigException e) {
                throw GatewayError.invalidField("body", e.getMessage());
            }
            int number = repository.add(name, version);
            Map<String, Object> created = new LinkedHashMap<>();
            created.put("name", name);
            created.put("version", number);
            return ok(201, created);
        }
        List<PromptVersion> versions = repository.versions(name);
        if (versions == null) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "prompt %s: not in the repository", name).with("prompt", name);
        }
        if (parts.length == 2) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (int v = 1; v <= versions.size(); v++) {
                list.add(describe(name, v, versions.get(v - 1)));
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("name", name);
            all.put("latest", versions.size());
            all.put("versions", list);
            return ok(200, all);
        }
        Integer wanted = null;
        if (!parts[2].equals("latest")) {
            if (parts[2].isEmpty() || parts[2].length() > 9 || !parts[2].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw GatewayError.of(ErrorType.NOT_FOUND, "version %s (expected: a number or latest)", parts[2]).with("prompt", name);
            }
            wanted = Integer.parseInt(parts[2]);
        }
        CompiledPrompt p = repository.resolve(name, wanted);
        return ok(200, describe(name, p.version(), p.source()));
    }

    private static Map<String, Object> describe(String name, int number, PromptVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("version", number);
        out.putAll(PromptState.describe(v));
        return out;
    }

    private static Reply ok(int status, Object body) {
        try {
            return new Reply(status, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of config values always serialise", e);
        }
    }
}
