package dev.fairway.auth;

import com.fasterxml.jackson.annotation.JsonFormat;
import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

@Doc("One gateway client: a name and the hashes of the tokens it may present.")
public record AuthClient(
        @Doc("The client's name: the identity quotas, logs and analytics use.") String name,
        @Doc("SHA-256 (lowercase hex) of the client's token, or a list of them while a token is being rotated; print one with 'fairway hash-token'.")
        @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<TokenHash> tokenSha256)
        implements Validatable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

    public AuthClient {
        // Null elements are reported by AuthSettings.validate() with their path.
        tokenSha256 = tokenSha256 == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tokenSha256));
    }

    @Override
    public void validate(Problems problems) {
        problems.require(name != null && NAME.matcher(name).matches(), "name",
                "%s (expected: 1 to 128 letters, digits, '.', '_', '@' or '-')", name);
        problems.require(!tokenSha256.isEmpty(), "token_sha256", "required (at least one token hash)");
    }
}
