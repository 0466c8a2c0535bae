package dev.fairway.policy;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

@Doc("Data-residency and model policy: which providers, models and regions the route may send requests to. Deny rules win over allow rules; an empty list does not restrict.")
public record PolicySettings(
        @Doc(value = "Provider slugs the route may use; any other provider is refused.", defaultValue = "[]") List<String> allowedProviders,
        @Doc(value = "Provider slugs the route must never use.", defaultValue = "[]") List<String> deniedProviders,
        @Doc(value = "Models the route may use: exact names or globs (* any characters, ? one), case-insensitive. A request that names no model is refused when this is set.", defaultValue = "[]") List<ModelPattern> allowedModels,
        @Doc(value = "Models the route must never use: exact names or globs such as gpt-4o*, case-insensitive.", defaultValue = "[]") List<ModelPattern> deniedModels,
        @Doc(value = "Region tags a provider may process data in, for example [eu, ch]. A provider is allowed only when every region tag it carries is listed; a provider with no tags is refused.", defaultValue = "[]") List<String> allowedRegions)
        implements Validatable {

    private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public PolicySettings {
        allowedProviders = copy(allowedProviders);
        deniedProviders = copy(deniedProviders);
        allowedModels = copy(allowedModels);
        deniedModels = copy(deniedModels);
        allowedRegions = copy(allowedRegions);
    }

    public static PolicySettings unrestricted() {
        return new PolicySettings(null, null, null, null, null);
    }

    /** Whether no rule is set, so that no request can be refused. */
    public boolean isUnrestricted() {
        return allowedProviders.isEmpty() && deniedProviders.isEmpty() && allowedModels.isEmpty()
                && deniedModels.isEmpty() && allowedRegions.isEmpty();
    }

    private static <T> List<T> copy(List<T> list) {
        // Null elements are reported by validate(); List.copyOf would reject them without a path.
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    @Override
    public void validate(Problems problems) {
        checkAll(problems, "allowed_providers", allowedProviders, SLUG, "a provider slug such as openai");
        checkAll(problems, "denied_providers", deniedProviders, SLUG, "a provider slug such as openai");
        checkAll(problems, "allowed_regions", allowedRegions, REGION, "a lower case region tag such as eu or ch");
        nonNull(problems, "allowed_models", allowedModels);
        nonNull(problems, "denied_models", deniedModels);
    }

    private static void checkAll(Problems problems, String field, List<String> values, Pattern shape, String expected) {
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null || !shape.matcher(v).matches()) {
                problems.add(field + "[" + i + "]", "%s (expected: %s)", v, expected);
            }
        }
    }

    private static void nonNull(Problems problems, String field, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                problems.add(field + "[" + i + "]", "must not be null");
            }
        }
    }
}
