package dev.fairway.auth;

import com.fasterxml.jackson.annotation.JsonFormat;
import dev.fairway.config.Doc;
import dev.fairway.config.Length;
import dev.fairway.config.Match;
import dev.fairway.config.Problems;
import dev.fairway.config.Required;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

@Doc("One gateway client: a name and the hashes of the tokens it may present.")
public record AuthClient(
        @Required(message = "null (expected: 1 to 128 letters, digits, '.', '_', '@' or '-')")
        @Match(value = "[A-Za-z0-9][A-Za-z0-9._@-]*", expected = "1 to 128 letters, digits, '.', '_', '@' or '-'")
        @Length(min = 1, max = 128, expected = "1 to 128 letters, digits, '.', '_', '@' or '-'")
        @Doc("The client's name: the identity quotas, logs and analytics use.") String name,
        @Required(message = "required (at least one token hash)")
        @Length(min = 1, message = "required (at least one token hash)")
        @Doc("SHA-256 (lowercase hex) of the client's token, or a list of them while a token is being rotated; print one with 'fairway hash-token'.")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<TokenHash> tokenSha256)
        implements Validatable {

    public AuthClient {
        // Null elements are reported by AuthSettings.validate() with their path.
        tokenSha256 = tokenSha256 == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tokenSha256));
    }

    @Override
    public void validate(Problems problems) {
        // Every rule is a component's constraint annotation, checked by Constraints.
    }
}
