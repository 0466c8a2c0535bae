package dev.fairway.cost;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.fairway.config.ModelPrice;
import dev.fairway.config.PricingSettings;
import dev.fairway.headers.CustomCost;
import dev.fairway.pipeline.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Model prices: the table shipped in {@code prices.json}, with the configured ones over it. A price
 * is found by {@code provider/model}, then by model, then by the longest listed prefix of the model
 * (dated snapshots such as {@code gpt-4o-2024-08-06} cost what their family costs); a vendor prefix
 * ({@code anthropic.} on Bedrock, {@code openai/} on routers) is tried without it as well.
 */
public final class PriceTable {
    private static final String RESOURCE = "/dev/fairway/cost/prices.json";
    private static final double MILLION = 1_000_000d;

    private final Map<String, ModelPrice> prices;

    private PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Map.copyOf(prices);
    }

    /** The shipped prices with {@code settings} over them. */
    public static PriceTable of(PricingSettings settings) {
        requireNonNull(settings, "settings");
        Map<String, ModelPrice> all = new HashMap<>(settings.replaceShipped() ? Map.of() : shipped());
        all.putAll(settings.models());
        return new PriceTable(all);
    }

    public static PriceTable shippedOnly() {
        return new PriceTable(shipped());
    }

    static Map<String, ModelPrice> shipped() {
        ObjectMapper mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return mapper.readValue(in, Shipped.class).models();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The price for {@code model} at {@code provider}, or null when none is listed. */
    public ModelPrice find(String provider, String model) {
        if (model == null || model.isEmpty()) {
            return null;
        }
        String bare = model.startsWith("models/") ? model.substring(7) : model;
        ModelPrice p = lookup(provider + "/" + bare);
        if (p == null) {
            p = lookup(bare);
        }
        int slash = bare.lastIndexOf('/');
        if (p == null && slash >= 0) {
            p = lookup(bare.substring(slash + 1));
        }
        // Bedrock ids: [region.]vendor.model, e.g. us.anthropic.claude-3-5-haiku-20241022-v1:0
        String rest = bare;
        int dot;
        while (p == null && (dot = rest.indexOf('.')) > 0 && dot < rest.length() - 1 && Character.isLetter(rest.charAt(dot - 1))) {
            rest = rest.substring(dot + 1);
            p = lookup(rest);
        }
        return p;
    }

    /**
     * The cost of one request: the caller's custom cost when given, else usage at the listed price;
     * null when neither says.
     */
    public Double cost(String provider, String model, Usage usage, CustomCost custom) {
        if (custom != null) {
            if (custom.isTotal()) {
                return custom.totalCost();
            }
            if (usage == null) {
                return null;
            }
            double in = custom.perTokenIn() == null ? 0 : custom.perTokenIn();
            double out = custom.perTokenOut() == null ? 0 : custom.perTokenOut();
            return usage.inputTokens() * in + usage.outputTokens() * out;
        }
        if (usage == null) {
            return null;
        }
        ModelPrice price = find(provider, model);
        if (price == null) {
            return null;
        }
        long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
        double cachedPrice = price.cachedInputPerMillion() != null ? price.cachedInputPerMillion() : price.inputPerMillion();
        return ((usage.inputTokens() - cached) * price.inputPerMillion()
                + cached * cachedPrice
                + usage.outputTokens() * price.outputPerMillion()) / MILLION;
    }

    private ModelPrice lookup(String key) {
        ModelPrice exact = prices.get(key);
        if (exact != null) {
            return exact;
        }
        String best = null;
        for (String k : prices.keySet()) {
            if (key.length() > k.length() && key.startsWith(k) && isSuffixBoundary(key.charAt(k.length()))
                    && (best == null || k.length() > best.length())) {
                best = k;
            }
        }
        return best == null ? null : prices.get(best);
    }

    private static boolean isSuffixBoundary(char c) {
        return c == '-' || c == ':' || c == '@' || c == '.';
    }

    private record Shipped(Map<String, ModelPrice> models) {}
}
