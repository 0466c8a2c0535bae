package dev.fairway.policy;

import static java.util.Objects.requireNonNull;

import dev.fairway.provider.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A route's provider, model and region rules, applied to one candidate target at a time. Every
 * place that chooses where a request goes (a plain provider path, each target of a fallback chain,
 * each step of the Universal endpoint, a {@code /compat} model) asks the same object, so a target
 * the route forbids is never called.
 *
 * <p>Rules are checked in a fixed order and the first refusal is returned: denied_providers,
 * allowed_providers, allowed_regions, denied_models, allowed_models.
 */
public final class Policy {
    private static final Policy UNRESTRICTED = new Policy(PolicySettings.unrestricted());
    private static final int MAX_ECHO = 100;

    private final List<String> allowedProviders;
    private final List<String> deniedProviders;
    private final List<String> allowedRegions;
    private final List<ModelPattern> allowedModels;
    private final List<ModelPattern> deniedModels;
    private final boolean unrestricted;

    // Holds the settings' own immutable lists: building a policy allocates nothing else, so callers
    // may build one per request. The lists are short; a scan beats hashing at these sizes.
    private Policy(PolicySettings s) {
        this.allowedProviders = s.allowedProviders();
        this.deniedProviders = s.deniedProviders();
        this.allowedRegions = s.allowedRegions();
        this.allowedModels = s.allowedModels();
        this.deniedModels = s.deniedModels();
        this.unrestricted = s.isUnrestricted();
    }

    /** The policy of validated settings (a route's {@code policy}). */
    public static Policy of(PolicySettings settings) {
        requireNonNull(settings, "settings");
        return settings.isUnrestricted() ? UNRESTRICTED : new Policy(settings);
    }

    public boolean isUnrestricted() {
        return unrestricted;
    }

    /**
     * Whether a request to {@code model} on {@code provider} is allowed.
     *
     * @param model the model the request names, or null when it names none
     */
    public PolicyDecision check(Provider provider, String model) {
        requireNonNull(provider, "provider");
        if (unrestricted) {
            return PolicyDecision.allowed();
        }
        String slug = provider.slug();
        if (deniedProviders.contains(slug)) {
            return PolicyDecision.refused("denied_providers", "provider " + slug + " is denied on this route");
        }
        if (!allowedProviders.isEmpty() && !allowedProviders.contains(slug)) {
            return PolicyDecision.refused("allowed_providers", "provider " + slug + " is not among the providers this route allows");
        }
        if (!allowedRegions.isEmpty()) {
            PolicyDecision regions = checkRegions(provider);
            if (!regions.isAllowed()) {
                return regions;
            }
        }
        if (model != null) {
            for (ModelPattern p : deniedModels) {
                if (p.matches(model)) {
                    return PolicyDecision.refused("denied_models", "model " + echo(model) + " is denied on this route (" + p + ")");
                }
            }
        }
        if (!allowedModels.isEmpty()) {
            if (model == null) {
                return PolicyDecision.refused("allowed_models", "the request names no model, and this route allows listed models only");
            }
            for (ModelPattern p : allowedModels) {
                if (p.matches(model)) {
                    return PolicyDecision.allowed();
                }
            }
            return PolicyDecision.refused("allowed_models", "model " + echo(model) + " is not among the models this route allows");
        }
        return PolicyDecision.allowed();
    }

    // A provider may process data wherever any of its tags say, so every tag must be allowed; one
    // without tags has unknown residency and is refused.
    private PolicyDecision checkRegions(Provider provider) {
        if (provider.regions().isEmpty()) {
            return PolicyDecision.refused("allowed_regions", "provider " + provider.slug()
                    + " declares no region, and this route allows regions " + sorted(allowedRegions) + " only");
        }
        List<String> outside = new ArrayList<>();
        for (String r : provider.regions()) {
            if (!allowedRegions.contains(r.toLowerCase(Locale.ROOT))) {
                outside.add(r);
            }
        }
        if (outside.isEmpty()) {
            return PolicyDecision.allowed();
        }
        return PolicyDecision.refused("allowed_regions", "provider " + provider.slug() + " may process data in "
                + String.join(", ", outside) + ", outside the regions this route allows " + sorted(allowedRegions));
    }

    private static List<String> sorted(List<String> list) {
        return list.stream().sorted().toList();
    }

    private static String echo(String model) {
        return model.length() > MAX_ECHO ? model.substring(0, MAX_ECHO) + "..." : model;
    }
}
