package dev.fairway.guardrail;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

@Doc("Guardrails (Cloudflare's DLP): detectors run over the text of the request before it leaves the gateway and, where a rule says so, over the answer on its way back.")
public record GuardrailSettings(
        @Doc(value = "Built-in detectors to run, each with its action.", defaultValue = "[]") List<DetectorRule> detectors,
        @Doc(value = "Custom regular-expression rules, each with its action.", defaultValue = "[]") List<CustomRule> custom)
        implements Validatable {

    public GuardrailSettings {
        detectors = copy(detectors);
        custom = copy(custom);
    }

    public static GuardrailSettings none() {
        return new GuardrailSettings(null, null);
    }

    public boolean isEmpty() {
        return detectors.isEmpty() && custom.isEmpty();
    }

    private static <T> List<T> copy(List<T> list) {
        // Null elements are reported by validate() with their path; List.copyOf would reject them blindly.
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    @Override
    public void validate(Problems problems) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < detectors.size(); i++) {
            DetectorRule d = detectors.get(i);
            if (d == null) {
                problems.at("detectors", i).add("", "must not be null");
                continue;
            }
            d.validate(problems.at("detectors", i));
            if (d.detector() != null && !names.add(d.detector())) {
                problems.at("detectors", i).add("detector", "%s is listed twice", d.detector());
            }
        }
        for (int i = 0; i < custom.size(); i++) {
            CustomRule c = custom.get(i);
            if (c == null) {
                problems.at("custom", i).add("", "must not be null");
                continue;
            }
            c.validate(problems.at("custom", i));
            if (c.name() != null && !names.add(c.name())) {
                problems.at("custom", i).add("name", "%s is already used by another guardrail", c.name());
            }
        }
    }

    static final String REQUEST = "request";
    static final String RESPONSE = "response";

    /** A rule's checks as written, or the default (the request only). */
    static List<String> checks(List<String> check) {
        return check == null ? List.of(REQUEST) : Collections.unmodifiableList(new ArrayList<>(check));
    }

    /** What the element constraint ({@code @OneOf} request/response) cannot say: not empty, no value twice. */
    static void checkChecks(List<String> check, Problems problems) {
        problems.require(!check.isEmpty(), "check", "[] (expected: request, response or both)");
        problems.require(check.stream().distinct().count() == check.size(), "check", "%s lists a value twice", check);
    }
}
