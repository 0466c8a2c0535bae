package dev.fairway.policy;

import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

@Doc("Data-residency and model policy: which providers, models and regions the route may send requests to. Deny rules win over allow rules; an empty list does not restrict.")
public record PolicySettings(
        @Doc(value = "Provider slugs the route may use; any other provider is refused.", defaultValue = "[]")
        List<@Match(value = SLUG, expected = SLUG_TEXT) @Length(min = 1, max = 63, expected = SLUG_TEXT) String> allowedProviders,
        @Doc(value = "Provider slugs the route must never use.", defaultValue = "[]")
        List<@Match(value = SLUG, expected = SLUG_TEXT) @Length(min = 1, max = 63, expected = SLUG_TEXT) String> deniedProviders,
        @Doc(value = "Models the route may use: exact names or globs (* any characters, ? one), case-insensitive. A request that names no model is refused when this is set.", defaultValue = "[]") List<ModelPattern> allowedModels,
        @Doc(value = "Models the route must never use: exact names or globs such as gpt-4o*, case-insensitive.", defaultValue = "[]") List<ModelPattern> deniedModels,
        @Doc(value = "Region tags a provider may process data in, for example [eu, ch]. A provider is allowed only when every region tag it carries is listed; a provider with no tags is refused.", defaultValue = "[]")
        List<@Match(value = SLUG, expected = REGION_TEXT) @Length(min = 1, max = 32, expected = REGION_TEXT) String> allowedRegions)
        implements Validatable {

    static final String SLUG = "[a-z0-9][a-z0-9-]*";
    static final String SLUG_TEXT = "a provider slug such as openai";
    static final String REGION_TEXT = "a lower case region tag such as eu or ch";

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
        // Slugs and regions are checked by their constraint annotations (Constraints).
        nonNull(problems, "allowed_models", allowedModels);
        nonNull(problems, "denied_models", deniedModels);
    }

    private static void nonNull(Problems problems, String field, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) {
                problems.add(field + "[" + i + "]", "must not be null");
            }
        }
    }
}
