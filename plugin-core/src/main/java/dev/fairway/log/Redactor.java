package dev.fairway.log;

import dev.fairway.pii.Pii;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Replaces personal data in payloads before they are written: e-mail addresses, phone numbers,
 * IBANs (mod-97 checked), payment card numbers (Luhn checked) and Swiss AHV numbers (EAN-13
 * checked). What each is comes from {@link Pii}, the definitions the guardrail uses, so the log
 * never keeps what a guardrail would have found. Runs on the log writer thread, never on the
 * request path. Checksums keep ordinary numbers (ids, token counts) from being mistaken for cards
 * or IBANs.
 */
final class Redactor {
    private record Rule(String name, Pii kind) {}

    // Order matters: the specific number formats go before the looser phone pattern.
    private static final List<Rule> ALL = List.of(
            new Rule("ahv", Pii.AHV), new Rule("iban", Pii.IBAN), new Rule("card", Pii.CARD),
            new Rule("email", Pii.EMAIL), new Rule("phone", Pii.PHONE));

    private final List<Rule> rules;

    private Redactor(List<Rule> rules) {
        this.rules = rules;
    }

    static final Redactor NONE = new Redactor(List.of());

    static Redactor of(Set<String> names) {
        if (names.isEmpty()) {
            return NONE;
        }
        List<Rule> chosen = new ArrayList<>();
        for (Rule r : ALL) {
            if (names.contains(r.name())) {
                chosen.add(r);
            }
        }
        return new Redactor(List.copyOf(chosen));
    }

    String apply(String text) {
        String out = text;
        for (Rule rule : rules) {
            String in = out;
            StringBuilder sb = new StringBuilder(0);
            int[] last = {0};
            rule.kind().forEach(in, s -> {
                sb.append(in, last[0], s.start()).append("[redacted:").append(rule.name()).append(']');
                last[0] = s.end();
            });
            if (last[0] > 0) {
                out = sb.append(in, last[0], in.length()).toString();
            }
        }
        return out;
    }
}
