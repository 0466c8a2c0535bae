package dev.fairway.config;

import java.util.Map;
import java.util.Objects;

@Doc("Model prices used to estimate the cost of each request.")
public record PricingSettings(
        @Doc("Prices by model name (e.g. gpt-4o) or provider/model (e.g. groq/llama-3.3-70b-versatile); they replace the shipped price of the same key. A dated model name uses the price of its longest listed prefix.") Map<String, ModelPrice> models,
        @Doc(value = "Use only the prices listed here, ignoring the shipped price table.", defaultValue = "false") Boolean replaceShipped)
        implements Validatable {

    public PricingSettings {
        models = Map.copyOf(Objects.requireNonNullElse(models, Map.of()));
        replaceShipped = Objects.requireNonNullElse(replaceShipped, false);
    }

    public static PricingSettings defaults() {
        return new PricingSettings(null, null);
    }

    @Override
    public void validate(Problems problems) {
        models.forEach((model, price) -> {
            if (price == null) {
                problems.atKey("models", model).add("", "expected an object");
            } else {
                price.validate(problems.atKey("models", model));
            }
        });
    }
}
