package dev.fairway.pii;

/** Where one finding sits in a text: characters {@code [start, end)}. */
public record Span(int start, int end) {
    public Span {
        if (start < 0 || end <= start) {
            throw new IllegalArgumentException(String.format("span: [%d, %d) (expected: 0 <= start < end)", start, end));
        }
    }
}
