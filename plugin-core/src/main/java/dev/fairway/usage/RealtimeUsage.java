package dev.fairway.usage;

import dev.fairway.pipeline.Usage;
import dev.fairway.provider.WireFormat;
import java.nio.charset.StandardCharsets;

/**
 * Usage of a Realtime API session, read from its {@code response.done} events: the only server
 * events that report tokens ({@code response.usage}: {@code input_tokens}, {@code output_tokens},
 * {@code input_token_details.cached_tokens}). Every other event, audio deltas included, is passed
 * over after a byte search, so a session's frames are not parsed.
 */
public final class RealtimeUsage {
    private static final byte[] DONE = "\"response.done\"".getBytes(StandardCharsets.US_ASCII);

    private RealtimeUsage() {}

    /** Whether a text event may be a {@code response.done} (its type's value appears in it); cheap, no parsing. */
    public static boolean mayReport(byte[] event, int length) {
        int last = length - DONE.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int j = 0; j < DONE.length; j++) {
                if (event[i + j] != DONE[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The tokens a {@code response.done} event reports, or null when it reports none (or is not JSON). */
    public static Usage read(byte[] event) {
        JsonUsageScanner scanner = JsonUsageScanner.whole(event, 0, event.length);
        return UsageMapping.of(WireFormat.OPENAI, scanner.numbers());
    }
}
