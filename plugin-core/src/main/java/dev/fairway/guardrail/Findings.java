package dev.fairway.guardrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.body.RequestBody;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Which guardrails fired on one request: rule names only, never what they matched. */
final class Findings {
    private static final JsonFactory JSON = new JsonFactory();

    private final List<Rule> hits;

    private Findings(List<Rule> hits) {
        this.hits = hits;
    }

    /**
     * Runs {@code rules} over every piece of the body's text. Stops at the first blocking hit (the
     * request is refused whatever else is found) or once every rule has fired. A custom pattern that
     * exhausts its budget counts as a hit: a guardrail that cannot finish must not wave text through.
     */
    static Findings scan(RequestBody body, List<Rule> rules) {
        List<Rule> hits = new ArrayList<>(2);
        boolean[] fired = new boolean[rules.size()];
        BodyText.visit(body, text -> {
            for (int i = 0; i < rules.size(); i++) {
                if (fired[i]) {
                    continue;
                }
                Rule rule = rules.get(i);
                boolean found;
                try {
                    found = rule.finder().find(text);
                } catch (BudgetedText.Exhausted e) {
                    found = true;
                }
                if (found) {
                    fired[i] = true;
                    hits.add(rule);
                    if (rule.block()) {
                        return false;
                    }
                }
            }
            return hits.size() < rules.size();
        });
        return new Findings(hits);
    }

    boolean isEmpty() {
        return hits.isEmpty();
    }

    List<String> names() {
        return hits.stream().map(Rule::name).toList();
    }

    /** The first blocking rule that fired, or null when every hit only flags. */
    Rule firstBlocking() {
        for (Rule r : hits) {
            if (r.block()) {
                return r;
            }
        }
        return null;
    }

    /** {@code {"action":"FLAG","check":"REQUEST","findings":["email"]}}, Cloudflare's cf-aig-dlp shape. */
    String summaryJson() {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("action", firstBlocking() != null ? "BLOCK" : "FLAG");
            g.writeStringField("check", "REQUEST");
            g.writeArrayFieldStart("findings");
            for (Rule r : hits) {
                g.writeString(r.name());
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
