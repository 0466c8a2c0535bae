package dev.fairway.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.plan.StateFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The prompt repository as stored in its {@link StateFile}: every prompt's versions, oldest first,
 * in the shape {@code PUT /prompts/{name}} takes (messages, model, parameters). Restored before the
 * configuration's prompts are seeded at start, so a restart numbers versions as the previous process did.
 */
final class PromptState {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ConfigLoader LOADER = ConfigLoader.withEnv(Map.of());

    private PromptState() {}

    /** One version as the admin API shows it and the state file keeps it. */
    static Map<String, Object> describe(PromptVersion v) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, String>> messages = new ArrayList<>();
        for (PromptMessage m : v.messages()) {
            messages.add(Map.of("role", m.role(), "content", m.content()));
        }
        out.put("messages", messages);
        out.put("model", v.model());
        out.put("parameters", v.parameters());
        return out;
    }

    static ObjectNode write(Map<String, List<PromptVersion>> prompts) {
        ObjectNode all = JSON.createObjectNode();
        prompts.forEach((name, versions) -> {
            var list = all.putArray(name);
            versions.forEach(v -> list.add(JSON.valueToTree(describe(v))));
        });
        ObjectNode out = JSON.createObjectNode();
        out.set("prompts", all);
        return out;
    }

    /**
     * The prompts {@code file} holds, by name (empty when there is no file).
     *
     * @throws ConfigException naming the file, prompt and version at fault
     */
    static Map<String, List<PromptVersion>> read(StateFile file) {
        ObjectNode root = file.read();
        Map<String, List<PromptVersion>> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        List<String> problems = new ArrayList<>();
        root.path("prompts").fields().forEachRemaining(e -> {
            List<PromptVersion> versions = new ArrayList<>();
            JsonNode list = e.getValue();
            if (!Template.isName(e.getKey()) || !list.isArray() || list.isEmpty()) {
                problems.add(String.format("%s: prompts.%s: not a prompt name with a list of versions", file.path(), e.getKey()));
                return;
            }
            for (int i = 0; i < list.size(); i++) {
                try {
                    versions.add(LOADER.parsePart(list.get(i).toString(), PromptVersion.class));
                } catch (ConfigException bad) {
                    for (String p : bad.problems()) {
                        problems.add(String.format("%s: prompts.%s[%d]: %s", file.path(), e.getKey(), i, p));
                    }
                }
            }
            out.put(e.getKey(), versions);
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }
}
