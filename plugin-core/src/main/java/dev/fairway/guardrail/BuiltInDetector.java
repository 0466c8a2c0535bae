package dev.fairway.guardrail;

import dev.fairway.pii.Pii;
import java.util.Arrays;

/**
 * The built-in detectors under their configuration names. What each finds is defined once in
 * {@link Pii}, which the log redactor uses too, so a finding the guardrail reports is what a log
 * record masks.
 */
enum BuiltInDetector implements Finder {
    EMAIL("email", Pii.EMAIL),
    PHONE("phone", Pii.PHONE),
    IBAN("iban", Pii.IBAN),
    CREDIT_CARD("credit_card", Pii.CARD),
    SWISS_AHV("swiss_ahv", Pii.AHV);

    private final String configName;
    private final Pii kind;
    private final int maxSpan;

    BuiltInDetector(String configName, Pii kind) {
        this.configName = configName;
        this.kind = kind;
        // One character either side: the patterns look at it to find where an identifier ends.
        this.maxSpan = kind.longestMatch() + 2;
    }

    @Override
    public boolean find(CharSequence text) {
        return kind.in(text);
    }

    /** The most characters of text a finding can depend on: what a checked stream holds back. */
    int maxSpan() {
        return maxSpan;
    }

    /** The name written in config and reported in findings. */
    String configName() {
        return configName;
    }

    static BuiltInDetector byName(String name) {
        for (BuiltInDetector d : values()) {
            if (d.configName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    static String names() {
        return String.join(", ", Arrays.stream(values()).map(BuiltInDetector::configName).toList());
    }
}
