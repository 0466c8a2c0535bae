package dev.fairway.guardrail;

/**
 * A text that stops a regular expression which reads it far more often than a linear scan would:
 * after {@code budget} character reads it throws {@link Exhausted}. Custom patterns are matched
 * against it so that no configured pattern can pin a request thread.
 */
final class BudgetedText implements CharSequence {
    /** Reads allowed per character of input, plus a floor for short texts. */
    static final int READS_PER_CHAR = 64;
    static final int MIN_READS = 100_000;

    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("guardrail pattern exceeded its scanning budget", null, false, false);
        }
    }

    private final CharSequence text;
    private final int offset;
    private final int length;
    private final long[] remaining;

    static BudgetedText of(CharSequence text) {
        long budget = (long) text.length() * READS_PER_CHAR + MIN_READS;
        return new BudgetedText(text, 0, text.length(), new long[] {budget});
    }

    private BudgetedText(CharSequence text, int offset, int length, long[] remaining) {
        this.text = text;
        this.offset = offset;
        this.length = length;
        this.remaining = remaining;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public char charAt(int index) {
        if (--remaining[0] < 0) {
            throw new Exhausted();
        }
        return text.charAt(offset + index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new BudgetedText(text, offset + start, end - start, remaining);
    }

    @Override
    public String toString() {
        return text.subSequence(offset, offset + length).toString();
    }
}
