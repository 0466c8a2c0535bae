package dev.fairway.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GuardTest {
    private static boolean same(String a, String b) {
        return Guard.signature(a).equals(Guard.signature(b));
    }

    @Test
    void numbersNegationDatesAndNamesMustAgree() {
        assertThat(same("Refund after 30 days?", "Can I get a refund after 60 days?")).isFalse();
        assertThat(same("Is the plan $99?", "Is the plan 99 euros?")).isFalse();
        assertThat(same("I want to cancel my order.", "I don't want to cancel my order.")).isFalse();
        assertThat(same("Je veux annuler.", "Je ne veux pas annuler.")).isFalse();
        assertThat(same("Fly on Monday?", "Fly on Tuesday?")).isFalse();
        assertThat(same("Flights from Paris to London?", "Flights from Paris to Berlin?")).isFalse();
        assertThat(same("Is the Pixel 8 waterproof?", "Is the Pixel 7 waterproof?")).isFalse();
    }

    @Test
    void wordingThatKeepsThoseIsAllowed() {
        assertThat(same("Can I bring two bags?", "Am I allowed 2 bags?")).isTrue();
        assertThat(same("Flights from Paris to London?", "Which flights go from Paris to London?")).isTrue();
        // A capital that only starts a sentence is not a name.
        assertThat(same("Where is my order? Please help.", "Where is my order? help")).isTrue();
        assertThat(same("Do you ship on 05 March?", "Do you ship on 5 march?")).isTrue();
        // German's polite "Sie" is a pronoun, not a name; a real name still counts.
        assertThat(same("Akzeptieren Sie PayPal?", "Kann ich mit PayPal bezahlen?")).isTrue();
        assertThat(same("Akzeptieren Sie PayPal?", "Akzeptieren Sie Klarna?")).isFalse();
    }
}
