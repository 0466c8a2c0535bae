package dev.fairway.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordingTest {
    private static boolean apart(String a, String b) {
        return Wording.oneSlotApart(Wording.of(a), Wording.of(b));
    }

    @Test
    void oneSwappedWordInTheSameFrameIsAnotherQuestion() {
        assertThat(apart("Is breakfast included?", "Is parking included?")).isTrue();
        assertThat(apart("How do I import my data?", "How do I export my data?")).isTrue();
        assertThat(apart("What time is check-in at the hotel?", "What time is check-out at the hotel?")).isTrue();
        assertThat(apart("What is the checked baggage allowance?", "What is the carry-on baggage allowance?")).isTrue();
        // A lone letter is a size, not the article of "l'hôtel".
        assertThat(apart("Is the jacket available in size M?", "Is the jacket available in size L?")).isTrue();
        // "a" and "I" stay framing words, single letters or not.
        assertThat(apart("How do I add a VAT number to my invoices?", "How do I remove the VAT number from my invoices?")).isTrue();
    }

    @Test
    void rewordingTheFrameOrAddingWordsIsNot() {
        assertThat(apart("How do I get a refund?", "How can I request a refund?")).isFalse();
        assertThat(apart("How do I change my billing address?", "Where can I update my billing address?")).isFalse();
        assertThat(apart("Is the pool heated?", "Is the swimming pool heated?")).isFalse();
        assertThat(apart("Où est l'hôtel ?", "Où se trouve l'hôtel ?")).isFalse();
        assertThat(apart("Comment annuler ma commande ?", "Comment puis-je annuler ma commande ?")).isFalse();
    }

    @Test
    void inflectedFormsAndTranslatedSynonymsAreOneWord() {
        // German verb forms move with word order: the same verb, not a swapped slot.
        assertThat(apart("Wie lösche ich mein Konto?", "Wie kann ich mein Konto löschen?")).isFalse();
        assertThat(apart("Wie ändere ich mein Profilbild?", "Wie kann ich mein Profilbild ändern?")).isFalse();
        // The synonym groups hold their French, Spanish and German words.
        assertThat(apart("Comment changer ma photo de profil ?", "Comment modifier ma photo de profil ?")).isFalse();
        assertThat(apart("¿Cómo elimino mi cuenta?", "¿Cómo puedo borrar mi cuenta?")).isFalse();
        // Slots still differ in those languages, and hyphenated compounds stay whole.
        assertThat(apart("Wie lösche ich mein Konto?", "Wie lösche ich mein Profilbild?")).isTrue();
        assertThat(apart("What time is check-in?", "What time is check-out?")).isTrue();
    }

    @Test
    void wordsAreKeptAsHashesOnly() {
        assertThat(Wording.of("refund")).containsExactly("refund".hashCode());
    }
}
