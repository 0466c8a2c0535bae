package dev.fairway.guardrail;

import dev.fairway.config.Doc;
import dev.fairway.config.OneOf;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.List;

@Doc("A built-in detector and what to do when it finds something.")
public record DetectorRule(
        @Required(message = "null (expected: one of email, phone, iban, credit_card, swiss_ahv)")
        @OneOf({"email", "phone", "iban", "credit_card", "swiss_ahv"})
        @Doc("The detector: email, phone, iban (mod-97 checked), credit_card (Luhn checked) or swiss_ahv (756.xxxx.xxxx.xx, EAN-13 checked).") String detector,
        @OneOf(value = {"flag", "block"}, expected = "flag or block")
        @Doc(value = "flag (let the request through and record the finding in cf-aig-dlp) or block (answer 400 naming the detector, or end the answer with an error).", defaultValue = "flag") String action,
        @Doc(value = "What to check, as Cloudflare's DLP policies do: request (the prompt, before it leaves the gateway), response (the answer, streams included: a stream is held back only by the longest text a match can span, and a block ends it with an error event), or both.", defaultValue = "[request]") List<@OneOf(value = {"request", "response"}, expected = "request or response") String> check)
        implements Validatable {

    public DetectorRule {
        action = action == null ? "flag" : action;
        check = GuardrailSettings.checks(check);
    }

    @Override
    public void validate(Problems problems) {
        GuardrailSettings.checkChecks(check, problems);
    }
}
