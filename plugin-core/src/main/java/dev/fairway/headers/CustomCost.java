package dev.fairway.headers;

/**
 * A caller-supplied price ({@code cf-aig-custom-cost}): either per token in and out (USD per token)
 * or one total for the request.
 */
public record CustomCost(Double perTokenIn, Double perTokenOut, Double totalCost) {
    public boolean isTotal() {
        return totalCost != null;
    }
}
