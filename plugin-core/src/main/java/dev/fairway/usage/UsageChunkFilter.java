package dev.fairway.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fairway.dispatch.ResponseTransform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Removes the usage-only chunk ({@code "choices": []} with {@code usage}) from an OpenAI-style
 * stream whose client did not ask for it, and the {@code "usage": null} member asking added to
 * every other chunk ({@link NullUsage}). Complete events pass on at once; only the unfinished
 * tail of the current event is held until its blank line arrives.
 */
final class UsageChunkFilter implements ResponseTransform {
    private static final Pattern LINE_END = Pattern.compile("\r\n|\r|\n");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private boolean lineEmpty = true;
    private boolean afterCr;
    private int dropped;

    @Override
    public ByteBuffer apply(ByteBuffer chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.remaining());
        ByteBuffer in = chunk.duplicate();
        while (in.hasRemaining()) {
            byte b = in.get();
            pending.write(b);
            if (afterCr && b == '\n') {
                afterCr = false;
                continue;
            }
            afterCr = b == '\r';
            if (b == '\n' || b == '\r') {
                if (lineEmpty) {
                    emit(out);
                }
                lineEmpty = true;
            } else {
                lineEmpty = false;
            }
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    @Override
    public ByteBuffer finish() {
        ByteBuffer rest = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        return rest;
    }

    /** How many chunks were dropped. */
    int dropped() {
        return dropped;
    }

    private void emit(ByteArrayOutputStream out) {
        byte[] event = pending.toByteArray();
        pending.reset();
        if (isUsageOnly(event)) {
            dropped++;
            return;
        }
        out.writeBytes(NullUsage.strip(event));
    }

    static boolean isUsageOnly(byte[] event) {
        if (indexOf(event, USAGE) < 0) {
            return false;
        }
        StringBuilder data = new StringBuilder();
        for (String line : LINE_END.split(new String(event, StandardCharsets.UTF_8))) {
            if (line.startsWith("data:")) {
                data.append(line, line.startsWith("data: ") ? 6 : 5, line.length()).append('\n');
            }
        }
        try {
            JsonNode node = MAPPER.readTree(data.toString());
            JsonNode choices = node == null ? null : node.get("choices");
            JsonNode usage = node == null ? null : node.get("usage");
            return choices != null && choices.isArray() && choices.isEmpty() && usage != null && usage.isObject();
        } catch (IOException e) {
            return false;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
