package dev.fairway.auth;

import dev.fairway.config.Doc;
import dev.fairway.config.Problems;
import dev.fairway.config.Validatable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

@Doc("Gateway authentication: which callers may use the route, by cf-aig-authorization token or by the host gateway's consumer.")
public record AuthSettings(
        @Doc(value = "Whether callers must authenticate to the gateway; when left out, true as soon as clients or accept_host_consumer are set.", defaultValue = "false") Boolean enabled,
        @Doc(value = "The clients that may call the route, each with its token hashes.", defaultValue = "[]") List<AuthClient> clients,
        @Doc(value = "Accept the caller the host gateway already authenticated (a Kong or APISIX consumer) instead of a token; its name becomes the client identity.", defaultValue = "false") Boolean acceptHostConsumer)
        implements Validatable {

    public AuthSettings {
        clients = clients == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(clients));
        acceptHostConsumer = Objects.requireNonNullElse(acceptHostConsumer, false);
        // Listing clients but forgetting enabled must not leave the route open.
        enabled = Objects.requireNonNullElse(enabled, !clients.isEmpty() || acceptHostConsumer);
    }

    public static AuthSettings disabled() {
        return new AuthSettings(false, List.of(), false);
    }

    @Override
    public void validate(Problems problems) {
        if (enabled && clients.isEmpty() && !acceptHostConsumer) {
            problems.add("clients", "empty while enabled is true (expected: at least one client, or accept_host_consumer: true)");
        }
        Map<String, Integer> names = new HashMap<>();
        List<Owner> seen = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            AuthClient c = clients.get(i);
            Problems at = problems.at("clients", i);
            if (c == null) {
                at.add("", "must not be null");
                continue;
            }
            c.validate(at);
            if (c.name() != null && names.putIfAbsent(c.name(), i) != null) {
                at.add("name", "%s is also clients[%d]", c.name(), names.get(c.name()));
            }
            for (int j = 0; j < c.tokenSha256().size(); j++) {
                TokenHash h = c.tokenSha256().get(j);
                if (h == null) {
                    at.add("token_sha256[" + j + "]", "must not be null");
                    continue;
                }
                // One token naming two clients would make the identity depend on list order.
                for (Owner o : seen) {
                    if (o.hash().sameAs(h)) {
                        at.add("token_sha256[" + j + "]", "the same token hash is also listed for clients[%d]", o.client());
                    }
                }
                seen.add(new Owner(h, i));
            }
        }
    }

    private record Owner(TokenHash hash, int client) {}
}
