package dev.fairway.cli;

import dev.fairway.auth.TokenHashes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "hash-token",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the hash to put in a route's auth.clients[].token_sha256 for a gateway token.",
            "%nReads the token from standard input (so it stays out of shell history), or makes a new random one with "
                    + "--new and prints both: give the token to the client, put only the hash in the configuration.%n"
        })
final class HashTokenCommand implements Callable<Integer> {
    @Option(names = "--new", description = "Generate a new random token instead of reading one.")
    boolean generate;

    @Override
    public Integer call() throws IOException {
        String token;
        if (generate) {
            token = TokenHashes.newToken();
            System.out.println("token: " + token);
        } else {
            token = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (token == null || token.isBlank()) {
                System.err.println("fairway hash-token: no token on standard input (or use --new)");
                return 2;
            }
            token = token.strip();
        }
        System.out.println((generate ? "token_sha256: " : "") + TokenHashes.hash(token));
        return 0;
    }
}
