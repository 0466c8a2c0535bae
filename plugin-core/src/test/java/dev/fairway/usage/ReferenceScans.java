package dev.fairway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * The stream path's byte scans as they were before they searched eight bytes at a time: plain
 * byte-by-byte loops, kept as the reference the fast ones must agree with on every input.
 */
final class ReferenceScans {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[][] QUOTED_ROOTS = JsonUsageScanner.ROOTS.stream().map(ReferenceScans::quoted).toArray(byte[][]::new);
    private static final byte[][] QUOTED_REASONS = Stream.of("finish_reason", "stop_reason", "finishReason", "stopReason")
            .map(ReferenceScans::quoted).toArray(byte[][]::new);
    private static final byte[] KEY = ascii("\"usage\"");
    private static final byte[] DATA = ascii("data:");
    private static final byte[] NULL = ascii("null");

    private ReferenceScans() {}

    static boolean mayHoldUsage(byte[] json, int length) {
        return mayHold(json, length, QUOTED_ROOTS, '{');
    }

    static boolean mayHoldFinishReason(byte[] json, int length) {
        return mayHold(json, length, QUOTED_REASONS, '"');
    }

    private static boolean mayHold(byte[] json, int length, byte[][] names, char value) {
        for (int i = 0; i < length; i++) {
            byte b = json[i];
            if (b == '\\' && i + 1 < length && json[i + 1] == 'u') {
                return true;
            }
            if (b == '"') {
                for (byte[] name : names) {
                    if (at(json, length, i, name) && opens(json, length, i + name.length, value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean at(byte[] b, int length, int i, byte[] what) {
        if (i + what.length > length) {
            return false;
        }
        for (int j = 1; j < what.length; j++) {
            if (b[i + j] != what[j]) {
                return false;
            }
        }
        return true;
    }

    private static boolean opens(byte[] b, int length, int i, char value) {
        i = jsonSpace(b, length, i);
        if (i >= length || b[i] != ':') {
            return false;
        }
        i = jsonSpace(b, length, i + 1);
        return i < length && b[i] == value;
    }

    private static int jsonSpace(byte[] b, int length, int i) {
        while (i < length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    static boolean isUsageOnly(byte[] data, int length) {
        if (indexOf(data, 0, length, KEY) < 0 || !hasEmptyArray(data, length)) {
            return false;
        }
        boolean emptyChoices = false;
        boolean usage = false;
        try (JsonParser p = JSON.createParser(data, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if ("choices".equals(name)) {
                    emptyChoices = v == JsonToken.START_ARRAY && p.nextToken() == JsonToken.END_ARRAY;
                } else if ("usage".equals(name)) {
                    usage = v == JsonToken.START_OBJECT;
                }
                p.skipChildren();
            }
            return emptyChoices && usage;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasEmptyArray(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            if (data[i] == '[') {
                int j = jsonSpace(data, length, i + 1);
                if (j < length && data[j] == ']') {
                    return true;
                }
            }
        }
        return false;
    }

    static int strip(byte[] src, int from, int to, byte[] dst, int at) {
        if (indexOf(src, from, to, KEY) < 0) {
            System.arraycopy(src, from, dst, at, to - from);
            return at + to - from;
        }
        int i = from;
        while (i < to) {
            int end = i;
            while (end < to && src[end] != '\r' && src[end] != '\n') {
                end++;
            }
            long cut = startsWith(src, i, end, DATA) ? member(src, i, end) : -1;
            if (cut < 0) {
                System.arraycopy(src, i, dst, at, end - i);
                at += end - i;
            } else {
                int a = (int) (cut >>> 32);
                int b = (int) cut;
                System.arraycopy(src, i, dst, at, a - i);
                at += a - i;
                System.arraycopy(src, b, dst, at, end - b);
                at += end - b;
            }
            i = end;
            while (i < to && (src[i] == '\r' || src[i] == '\n')) {
                dst[at++] = src[i++];
            }
        }
        return at;
    }

    private static long member(byte[] s, int from, int to) {
        int depth = 0;
        boolean inString = false;
        int lastComma = -1;
        for (int i = from; i < to; i++) {
            byte c = s[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '{', '[' -> depth++;
                case '}', ']' -> depth--;
                case ',' -> {
                    if (depth == 1) {
                        lastComma = i;
                    }
                }
                case '"' -> {
                    if (depth == 1 && startsWith(s, i, to, KEY)) {
                        int valueEnd = nullValueEnd(s, i + KEY.length, to);
                        if (valueEnd >= 0) {
                            if (lastComma >= 0) {
                                return (long) lastComma << 32 | valueEnd;
                            }
                            int after = s[valueEnd] == ',' ? space(s, valueEnd + 1, to) : valueEnd;
                            return (long) i << 32 | after;
                        }
                    }
                    inString = true;
                }
                default -> { }
            }
        }
        return -1;
    }

    private static int nullValueEnd(byte[] s, int i, int to) {
        i = space(s, i, to);
        if (i >= to || s[i] != ':') {
            return -1;
        }
        i = space(s, i + 1, to);
        if (!startsWith(s, i, to, NULL)) {
            return -1;
        }
        i = space(s, i + NULL.length, to);
        return i < to && (s[i] == ',' || s[i] == '}') ? i : -1;
    }

    private static int space(byte[] s, int i, int to) {
        while (i < to && (s[i] == ' ' || s[i] == '\t')) {
            i++;
        }
        return i;
    }

    static boolean startsWith(byte[] s, int i, int to, byte[] prefix) {
        if (i < 0 || i + prefix.length > to) {
            return false;
        }
        for (int j = 0; j < prefix.length; j++) {
            if (s[i + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] s, int from, int to, byte[] needle) {
        for (int i = from; i + needle.length <= to; i++) {
            if (startsWith(s, i, to, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] quoted(String name) {
        return ascii('"' + name + '"');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
