package dev.fairway.config;

@Doc("The price of one model, in USD per million tokens.")
public record ModelPrice(
        @Doc("USD per million input tokens.") Double inputPerMillion,
        @Doc("USD per million output tokens.") Double outputPerMillion,
        @Doc("USD per million input tokens read from the provider's prompt cache; the input price when left out.") Double cachedInputPerMillion,
        @Doc("When the price was last checked against the provider's price list (YYYY-MM-DD); informative.") String checked)
        implements Validatable {

    @Override
    public void validate(Problems problems) {
        problems.require(inputPerMillion != null && inputPerMillion >= 0, "input_per_million", "%s (expected: >= 0)", inputPerMillion);
        problems.require(outputPerMillion != null && outputPerMillion >= 0, "output_per_million", "%s (expected: >= 0)", outputPerMillion);
        problems.require(cachedInputPerMillion == null || cachedInputPerMillion >= 0, "cached_input_per_million", "%s (expected: >= 0)", cachedInputPerMillion);
    }
}
