package dev.fairway.prompt;

import static java.util.Objects.requireNonNull;

import dev.fairway.body.RequestBody;
import dev.fairway.config.GatewayConfig;
import dev.fairway.config.RouteConfig;
import dev.fairway.error.GatewayError;
import dev.fairway.headers.CfAigHeaders;
import dev.fairway.http.Headers;
import dev.fairway.plan.Choices;
import dev.fairway.plan.RequestShaper;
import java.util.function.DoubleSupplier;

/**
 * The request as planned: with {@code fairway-prompt: name[@version|@latest]} the named prompt
 * rendered with the body's variables ({@link Renderer}); a prompt named without a version, or a
 * model, that a route's experiment is on, with the experiment's arm applied (its version, its
 * model). Anything else passes unchanged.
 */
public final class Shaper implements RequestShaper {
    /** The request header naming a prompt. */
    public static final String HEADER = "fairway-prompt";

    private final PromptRepository repository;
    private final ArmChooser arms;

    /** @param random draws arms for requests without a sticky key, in [0, 1) */
    public Shaper(PromptRepository repository, DoubleSupplier random) {
        this.repository = requireNonNull(repository, "repository");
        this.arms = new ArmChooser(random);
    }

    @Override
    public Shaped shape(RouteConfig route, CfAigHeaders cfAig, Headers clientHeaders, byte[] body) {
        String header = clientHeaders.get(HEADER);
        if (header == null) {
            return route.experiments().isEmpty() ? new Shaped(body, Choices.NONE) : byModel(route, cfAig, clientHeaders, body);
        }
        PromptName named = PromptName.parse(header);
        ExperimentSettings experiment = named.version() == null ? on(route, named.name(), null) : null;
        ArmSettings arm = experiment == null ? null : arms.choose(experiment, cfAig);
        Integer version = arm != null && arm.version() != null ? arm.version() : named.version();
        CompiledPrompt prompt = repository.resolve(named.name(), version);
        byte[] rendered = Renderer.render(prompt, body, arm == null ? null : arm.model());
        return new Shaped(rendered, new Choices(prompt.name(), prompt.version(), experiment == null ? null : experiment.name(),
                arm == null ? null : arm.name()));
    }

    /** An experiment on the model the body names: its arm's model replaces it. */
    private Shaped byModel(RouteConfig route, CfAigHeaders cfAig, Headers clientHeaders, byte[] body) {
        RequestBody parsed = RequestBody.scan(body, clientHeaders.get("content-type"));
        String model = parsed.json() ? parsed.model() : null;
        ExperimentSettings experiment = model == null ? null : on(route, null, model);
        if (experiment == null) {
            return new Shaped(body, Choices.NONE);
        }
        ArmSettings arm = arms.choose(experiment, cfAig);
        byte[] changed = model.equals(arm.model()) ? body : parsed.withModel(arm.model()).bytes();
        return new Shaped(changed, new Choices(null, null, experiment.name(), arm.name()));
    }

    /** The repository requests and the admin API read. */
    public PromptRepository repository() {
        return repository;
    }

    @Override
    public void reloaded(GatewayConfig config) {
        repository.seed(config.prompts());
    }

    private static ExperimentSettings on(RouteConfig route, String prompt, String model) {
        for (ExperimentSettings e : route.experiments()) {
            if (prompt != null && prompt.equals(e.prompt()) || model != null && model.equals(e.model())) {
                return e;
            }
        }
        return null;
    }

    /** {@code name}, {@code name@latest} or {@code name@<version>}; version null for the latest. */
    record PromptName(String name, Integer version) {
        static PromptName parse(String header) {
            String h = header.strip();
            int at = h.lastIndexOf('@');
            String name = at < 0 ? h : h.substring(0, at);
            String v = at < 0 ? "latest" : h.substring(at + 1);
            if (!Template.isName(name)) {
                throw bad(h);
            }
            if (v.equals("latest")) {
                return new PromptName(name, null);
            }
            if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw bad(h);
            }
            return new PromptName(name, Integer.parseInt(v));
        }

        private static GatewayError bad(String header) {
            String shown = header.length() > 80 ? header.substring(0, 80) + "..." : header;
            return GatewayError.invalidHeader(HEADER, HEADER + ": " + shown + " (expected: <name>, <name>@latest or <name>@<version>, such as support-answer@3)");
        }
    }
}
