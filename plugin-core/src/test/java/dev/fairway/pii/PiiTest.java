package dev.fairway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PiiTest {
    private static List<String> all(Pii kind, String text) {
        List<String> out = new ArrayList<>();
        for (Span s = kind.next(text, 0); s != null; s = kind.next(text, s.end())) {
            out.add(text.substring(s.start(), s.end()));
        }
        return out;
    }

    @Test
    void spansCoverExactlyTheIdentifier() {
        assertThat(all(Pii.EMAIL, "a@b.io, <jane.doe+ai@mail.example.ch>")).containsExactly("a@b.io", "jane.doe+ai@mail.example.ch");
        assertThat(all(Pii.PHONE, "call +41 44 668 18 00 or 044 668 18 00, (555) 123-4567."))
                .containsExactly("+41 44 668 18 00", "044 668 18 00", "(555) 123-4567");
        assertThat(all(Pii.IBAN, "CH93 0076 2011 6238 5295 7 BIC UBSWCHZH80A, DE89370400440532013000."))
                .containsExactly("CH93 0076 2011 6238 5295 7", "DE89370400440532013000");
        assertThat(all(Pii.CARD, "4111 1111 1111 1111 and 4111 1111 1111 1112 and 2223-0031-2200-3222"))
                .containsExactly("4111 1111 1111 1111", "2223-0031-2200-3222");
        assertThat(all(Pii.AHV, "756.1234.5678.97 756.1234.5678.98 756 9217 0769 85")).containsExactly("756.1234.5678.97", "756 9217 0769 85");
    }

    @Test
    void forEachGivesWhatRepeatedSearchesGive() {
        String text = "044 668 18 00, +41 44 668 18 00 and (555) 123-4567; 0041 44 668 18 00 / 044-668-18-00";
        List<String> each = new ArrayList<>();
        Pii.PHONE.forEach(text, s -> each.add(text.substring(s.start(), s.end())));
        assertThat(each).isEqualTo(all(Pii.PHONE, text)).hasSize(5);
        // Many numbers of one form and one of the other at the end: each search moves forward only.
        String many = "044 668 18 00 ".repeat(20_000) + "+41 44 668 18 00";
        int[] count = {0};
        Pii.PHONE.forEach(many, s -> count[0]++);
        assertThat(count[0]).isEqualTo(20_001);
    }

    @Test
    void aSearchStartsWhereItIsTold() {
        String text = "x@y.org and z@w.org";
        Span first = Pii.EMAIL.next(text, 0);
        assertThat(first).isEqualTo(new Span(0, 7));
        assertThat(Pii.EMAIL.next(text, first.end())).isEqualTo(new Span(12, 19));
        assertThat(Pii.EMAIL.next(text, 19)).isNull();
        // The number before the start is still seen as what precedes a match: no half-number findings.
        assertThat(Pii.CARD.next("14111111111111111", 1)).isNull();
    }

    @Test
    void checksumsAgreeWithTheirReferenceExamples() {
        assertThat(Checksums.ibanValid("GB82WEST12345698765432")).isTrue();
        assertThat(Checksums.ibanValid("GB82WEST12345698765433")).isFalse();
        assertThat(Checksums.luhnValid("79927398713")).isTrue();
        assertThat(Checksums.luhnValid("79927398710")).isFalse();
        assertThat(Checksums.ean13Valid("4006381333931")).isTrue();
        assertThat(Checksums.ean13Valid("4006381333932")).isFalse();
    }
}
