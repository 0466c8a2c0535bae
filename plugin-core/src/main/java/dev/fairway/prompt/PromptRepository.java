package dev.fairway.prompt;

import dev.fairway.config.Problems;
import dev.fairway.error.ErrorType;
import dev.fairway.error.GatewayError;
import dev.fairway.plan.StateFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The prompts of this process: the configuration's ({@code prompts}) and those the admin API added,
 * each a list of immutable versions numbered from 1. A version once numbered never changes: a PUT
 * adds the next one, so a request pinned to {@code name@3} gets the same text tomorrow, and with a
 * {@link StateFile} after a restart too. Bounded:
 * at most {@link #MAX_PROMPTS} prompts of {@link #MAX_VERSIONS} versions each; more is refused.
 */
public final class PromptRepository {
    public static final int MAX_PROMPTS = 1_000;
    public static final int MAX_VERSIONS = 1_000;

    private final Map<String, List<CompiledPrompt>> prompts = new ConcurrentHashMap<>();
    /** Where every PUT is kept across restarts, or null (memory only). */
    private final StateFile store;

    /** A repository holding {@code configured}, which the caller validated. */
    public PromptRepository(List<PromptSettings> configured) {
        this(configured, null);
    }

    /**
     * A repository kept in {@code store}: what it holds is restored first (the versions and numbers
     * the previous process had), then {@code configured} is seeded as on a reload, adding the
     * configuration's versions beyond those held. Every {@link #add} is written there before it serves.
     *
     * @throws dev.fairway.config.ConfigException naming the file when it is not this gateway's
     */
    public PromptRepository(List<PromptSettings> configured, StateFile store) {
        this.store = store;
        if (store != null) {
            PromptState.read(store).forEach((name, versions) -> {
                List<CompiledPrompt> held = new ArrayList<>();
                for (PromptVersion v : versions) {
                    held.add(CompiledPrompt.of(name, held.size() + 1, v));
                }
                prompts.put(name, List.copyOf(held));
            });
        }
        seed(configured);
    }

    /**
     * Adds the configuration's versions this repository lacks (a reload that appended versions); a
     * prompt the configuration no longer lists keeps its versions, so a pinned request still resolves.
     */
    public synchronized void seed(List<PromptSettings> configured) {
        for (PromptSettings p : configured) {
            List<CompiledPrompt> held = prompts.getOrDefault(p.name(), List.of());
            List<CompiledPrompt> next = new ArrayList<>(held);
            for (int v = held.size(); v < p.versions().size(); v++) {
                next.add(CompiledPrompt.of(p.name(), v + 1, p.versions().get(v)));
            }
            prompts.put(p.name(), List.copyOf(next));
        }
    }

    /**
     * Stores {@code version} as the next version of {@code name}; its number.
     *
     * @throws GatewayError 400 naming the field at fault, or when the repository is full
     */
    public synchronized int add(String name, PromptVersion version) {
        if (!Template.isName(name)) {
            throw GatewayError.invalidField("name", "prompt name: " + (name.length() > 64 ? name.substring(0, 64) + "..." : name)
                    + " (expected: 1 to 64 letters, digits, '_', '-' or '.')");
        }
        Problems problems = new Problems();
        version.validate(problems);
        dev.fairway.config.Constraints.check(version, problems);
        if (!problems.messages().isEmpty()) {
            throw GatewayError.invalidField("body", String.join("; ", problems.messages()));
        }
        List<CompiledPrompt> held = prompts.getOrDefault(name, List.of());
        if (held.isEmpty() && prompts.size() >= MAX_PROMPTS || held.size() >= MAX_VERSIONS) {
            throw GatewayError.of(ErrorType.INVALID_REQUEST, "the repository holds at most %d prompts of %d versions each", MAX_PROMPTS, MAX_VERSIONS)
                    .with("field", "name");
        }
        List<CompiledPrompt> next = new ArrayList<>(held);
        next.add(CompiledPrompt.of(name, held.size() + 1, version));
        if (store != null) {
            Map<String, List<PromptVersion>> all = new TreeMap<>();
            prompts.forEach((n, list) -> all.put(n, list.stream().map(CompiledPrompt::source).toList()));
            all.put(name, next.stream().map(CompiledPrompt::source).toList());
            try {
                store.write(PromptState.write(all));
            } catch (java.io.IOException e) {
                throw GatewayError.of(ErrorType.SERVICE_UNAVAILABLE, "prompt %s: the version could not be stored in %s (%s); nothing changed",
                        name, store.path(), e.toString()).with("prompt", name);
            }
        }
        prompts.put(name, List.copyOf(next));
        return held.size() + 1;
    }

    /**
     * Version {@code version} of {@code name}, the latest when {@code version} is null.
     *
     * @throws GatewayError 404 naming the prompt or the version
     */
    CompiledPrompt resolve(String name, Integer version) {
        List<CompiledPrompt> held = prompts.get(name);
        if (held == null) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "prompt %s: not in the repository", name).with("prompt", name);
        }
        if (version == null) {
            return held.get(held.size() - 1);
        }
        if (version < 1 || version > held.size()) {
            throw GatewayError.of(ErrorType.NOT_FOUND, "prompt %s@%d: no such version (it has 1 to %d)", name, version, held.size())
                    .with("prompt", name).with("version", version);
        }
        return held.get(version - 1);
    }

    /** The versions of {@code name}, oldest first, or null when it is unknown. */
    public List<PromptVersion> versions(String name) {
        List<CompiledPrompt> held = prompts.get(name);
        return held == null ? null : held.stream().map(CompiledPrompt::source).toList();
    }

    /** Every prompt's name, sorted. */
    public List<String> names() {
        return List.copyOf(new TreeSet<>(prompts.keySet()));
    }
}
