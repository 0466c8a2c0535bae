package dev.fairway.guardrail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.fairway.pipeline.Facts;
import dev.fairway.pipeline.GuardrailFinding;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/** Which guardrails fired on one request or answer: rule names only, never what they matched. */
final class Findings {
    static final String REQUEST = "REQUEST";
    static final String RESPONSE = "RESPONSE";
    private static final JsonFactory JSON = new JsonFactory();

    private final List<Rule> hits;
    private final String check;
    /** How many of {@link #hits} {@link #report} has handed on already. */
    private int reported;

    Findings(List<Rule> hits, String check) {
        this.hits = hits;
        this.check = check;
    }

    /**
     * Runs {@code rules} over every piece of text {@code texts} hands out. Stops at the first blocking
     * hit (the exchange is refused whatever else is found) or once every rule has fired. A custom
     * pattern that exhausts its budget counts as a hit: a guardrail that cannot finish must not wave
     * text through.
     */
    static Findings scan(Consumer<Predicate<CharSequence>> texts, List<Rule> rules, String check) {
        Findings found = new Findings(new ArrayList<>(2), check);
        texts.accept(text -> found.check(text, rules));
        return found;
    }

    /** Runs the rules that have not fired yet over {@code text}; false once nothing more can change. */
    boolean check(CharSequence text, List<Rule> rules) {
        for (Rule rule : rules) {
            if (hits.contains(rule)) {
                continue;
            }
            boolean found;
            try {
                found = rule.finder().find(text);
            } catch (BudgetedText.Exhausted e) {
                found = true;
            }
            if (found) {
                hits.add(rule);
                if (rule.block()) {
                    return false;
                }
            }
        }
        return hits.size() < rules.size();
    }

    /** Hands the rules that fired since the last call to {@code facts}: names, where and action, never the matched text. */
    void report(Facts facts) {
        GuardrailFinding.Where where = RESPONSE.equals(check) ? GuardrailFinding.Where.RESPONSE : GuardrailFinding.Where.REQUEST;
        for (; reported < hits.size(); reported++) {
            Rule r = hits.get(reported);
            facts.addFinding(new GuardrailFinding(r.name(), where, r.block() ? GuardrailFinding.Action.BLOCK : GuardrailFinding.Action.FLAG, 1));
        }
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

    /**
     * The {@code cf-aig-dlp} value in Cloudflare's shape ("Set up Data Loss Prevention", DLP response
     * header): {@code {"action":"BLOCK"|"FLAG","findings":[{"profile":{"context":{},"entry_ids":[...],
     * "profile_id":...},"policy_ids":[...],"check":"REQUEST"|"RESPONSE"}]}}. Each rule is its own
     * policy with one profile and one entry, all named by the rule.
     */
    static String header(List<Findings> all) {
        boolean block = all.stream().anyMatch(f -> f.firstBlocking() != null);
        StringWriter out = new StringWriter(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("action", block ? "BLOCK" : "FLAG");
            g.writeArrayFieldStart("findings");
            for (Findings f : all) {
                for (Rule r : f.hits) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("profile");
                    g.writeObjectFieldStart("context");
                    g.writeEndObject();
                    g.writeArrayFieldStart("entry_ids");
                    g.writeString(r.name());
                    g.writeEndArray();
                    g.writeStringField("profile_id", r.name());
                    g.writeEndObject();
                    g.writeArrayFieldStart("policy_ids");
                    g.writeString(r.name());
                    g.writeEndArray();
                    g.writeStringField("check", f.check);
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
