package dev.fairway.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.fairway.bytes.ByteSearch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Finds usage numbers in a JSON document fed in pieces of any size (Jackson's non-blocking parser
 * handles splits inside tokens and inside UTF-8 sequences), holding only the current path, never
 * the document. Anything that is not JSON just yields nothing.
 *
 * <p>A document whose length is known and that arrives in one piece (an SSE event's data, a body
 * within its Content-Length in one read: most answers) is read by Jackson's blocking parser
 * instead, which steps over the strings it is not asked for (an answer's text) without decoding
 * them: 3.2 against 3.7 us for the floor's 1 KiB chat completion, 7 to 9 against 10 us for an 8 KiB
 * one; a 455-byte usage event reads the same either way (bench/floor/notes.md, wave 17).
 */
final class JsonUsageScanner {
    private static final JsonFactory JSON = new JsonFactory();
    /** Object names under which providers report tokens. */
    static final Set<String> ROOTS = Set.of("usage", "usageMetadata", "billed_units", "amazon-bedrock-invocationMetrics", "metrics");
    private static final String ARRAY = "[]";
    /** The names of finish reasons, as {@link #mayHoldFinishReason} looks for them. */
    private static final List<String> REASONS = List.of("finish_reason", "stop_reason", "finishReason", "stopReason");
    private static final Name[][] USAGE_NAMES = byFirstLetter(ROOTS, List.of());
    private static final Name[][] REASON_NAMES = byFirstLetter(Set.of(), REASONS);
    private static final Name[][] ANY_NAMES = byFirstLetter(ROOTS, REASONS);
    /** The deepest path at which the answer's model or a finish reason is read ({@code response.incomplete_details.reason}). */
    private static final int ANSWER_DEPTH = 4;

    /** The document's length when known, else -1: a first piece this long is the whole document. */
    private final long wholeLength;
    /** The non-blocking parser, made for the first piece that is not the whole document. */
    private JsonParser parser;
    private ByteArrayFeeder feeder;
    private final ArrayDeque<String> path = new ArrayDeque<>();
    private final UsageNumbers found = new UsageNumbers();
    private final AnswerFields answer = new AnswerFields();
    private int rootDepth = -1;
    private long fed;
    private boolean whole;
    private boolean failed;

    JsonUsageScanner() {
        this(-1);
    }

    /** @param wholeLength the document's length in bytes when known (a Content-Length), else -1 */
    JsonUsageScanner(long wholeLength) {
        this.wholeLength = wholeLength;
    }

    /** The findings of {@code json[offset, offset + length)}, a whole document. */
    static JsonUsageScanner whole(byte[] json, int offset, int length) {
        JsonUsageScanner s = new JsonUsageScanner(length);
        s.feed(json, offset, length);
        s.end();
        return s;
    }

    void feed(ByteBuffer chunk) {
        if (failed || !chunk.hasRemaining()) {
            return;
        }
        byte[] bytes;
        int offset;
        int length = chunk.remaining();
        if (chunk.hasArray()) {
            bytes = chunk.array();
            offset = chunk.arrayOffset() + chunk.position();
        } else {
            bytes = new byte[length];
            chunk.duplicate().get(bytes);
            offset = 0;
        }
        feed(bytes, offset, length);
    }

    void feed(byte[] bytes, int offset, int length) {
        if (failed || length == 0) {
            return;
        }
        if (whole) {
            failed = true; // bytes past the whole document: it was not that long after all
            return;
        }
        try {
            if (fed == 0 && length == wholeLength) {
                whole = true;
                try (JsonParser p = JSON.createParser(bytes, offset, length)) {
                    drain(p);
                }
            } else {
                if (parser == null) {
                    parser = JSON.createNonBlockingByteArrayParser();
                    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
                }
                feeder.feedInput(bytes, offset, offset + length);
                drain(parser);
            }
            fed += length;
        } catch (IOException | RuntimeException e) {
            failed = true;
        }
    }

    /** Whether the input stopped being JSON (or ended mid-document after {@link #end()}): the numbers may be missing. */
    boolean failed() {
        return failed;
    }

    /** The numbers seen so far; call {@link #end()} first when the document is complete. */
    UsageNumbers numbers() {
        return found;
    }

    /** The answering model and finish reasons seen so far. */
    AnswerFields answer() {
        return answer;
    }

    void end() {
        // Nothing fed is nothing found, as the non-blocking parser ends an empty input without a token.
        if (!failed && parser != null) {
            feeder.endOfInput();
            try {
                drain(parser);
            } catch (IOException | RuntimeException e) {
                failed = true;
            }
        }
    }

    /**
     * Whether {@code json[0, length)} may hold usage numbers, decided without parsing: numbers are
     * read only inside an object that is the value of a root name, so the text must hold one of
     * them, quoted, then {@code :} and <code>{</code> (JSON whitespace allowed between), or a
     * backslash-u escape, with which a name can be spelled otherwise. False is exact; true means
     * "parse it". This spares the parser the chunks that carry {@code "usage":null} or no usage
     * at all: all but one of an OpenAI stream's.
     */
    static boolean mayHoldUsage(byte[] json, int length) {
        return mayHold(json, 0, length, length, USAGE_NAMES);
    }

    /**
     * Whether {@code json[0, length)} may hold a finish reason: a quoted reason name, then
     * {@code :} and a string, or a backslash-u escape. As exact as {@link #mayHoldUsage}; an
     * OpenAI stream's {@code "finish_reason":null} chunks are passed over, its last content chunk is not.
     */
    static boolean mayHoldFinishReason(byte[] json, int length) {
        return mayHold(json, 0, length, length, REASON_NAMES);
    }

    /** {@link #mayHoldUsage} or {@link #mayHoldFinishReason}, in one pass over the text. */
    static boolean mayHoldUsageOrFinishReason(byte[] json, int length) {
        return mayHold(json, 0, length, length, ANY_NAMES);
    }

    /**
     * As {@link #mayHoldUsageOrFinishReason(byte[], int)}, trying only the places in {@code [from, to)}:
     * the caller knows that none outside them holds a name ({@link SseFrames#changedFrom}: the
     * previous event, which had none, has the same bytes there). An empty range is a no.
     */
    static boolean mayHoldUsageOrFinishReason(byte[] json, int length, int from, int to) {
        return from < to && mayHold(json, from, to, length, ANY_NAMES);
    }

    /**
     * Whether the text holds a backslash-u escape, or a quote that starts one of {@code names} (by
     * the byte after the quote) followed by its value's opening byte. Every quote is tried, inside
     * strings too (a name is never missed for a miscounted string); the bytes between are passed
     * over eight at a time. Only places in {@code [from, to)} are tried; what follows them is read up
     * to {@code length}.
     */
    private static boolean mayHold(byte[] json, int from, int to, int length, Name[][] names) {
        int i = from;
        // Quotes are dense in JSON: go through each word's quotes and backslashes rather than search from each.
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            for (long m = ByteSearch.marks(json, i, (byte) '"', (byte) '\\'); m != 0; m &= m - 1) {
                if (holds(json, length, i + ByteSearch.offset(m), names)) {
                    return true;
                }
            }
        }
        for (; i < to; i++) {
            if (holds(json, length, i, names)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a backslash-u escape, or one of {@code names} followed by its value's opening byte, starts at {@code i}. */
    private static boolean holds(byte[] json, int length, int i, Name[][] names) {
        if (i + 1 >= length) {
            return false;
        }
        byte next = json[i + 1];
        if (json[i] == '\\') {
            return next == 'u';
        }
        if (json[i] != '"' || next < 0 || names[next] == null) {
            return false;
        }
        for (Name name : names[next]) {
            if (ByteSearch.startsWith(json, i, length, name.quoted) && opens(json, length, i + name.quoted.length, name.value)) {
                return true;
            }
        }
        return false;
    }

    /** A quoted name and the byte its value must open with to matter. */
    private record Name(byte[] quoted, byte value) {}

    /** The names by the byte after their opening quote (all ASCII), so a quote is compared with one or two names at most. */
    private static Name[][] byFirstLetter(Set<String> roots, List<String> reasons) {
        List<List<Name>> table = new ArrayList<>(Collections.nCopies(128, null));
        for (String root : roots) {
            add(table, root, (byte) '{');
        }
        for (String reason : reasons) {
            add(table, reason, (byte) '"');
        }
        return table.stream().map(l -> l == null ? null : l.toArray(Name[]::new)).toArray(Name[][]::new);
    }

    private static void add(List<List<Name>> table, String name, byte value) {
        int first = name.charAt(0);
        if (table.get(first) == null) {
            table.set(first, new ArrayList<>());
        }
        table.get(first).add(new Name(('"' + name + '"').getBytes(StandardCharsets.US_ASCII), value));
    }

    /** Whether whitespace, a colon, whitespace and {@code value} start at {@code i}. */
    private static boolean opens(byte[] b, int length, int i, byte value) {
        i = skipSpace(b, length, i);
        if (i >= length || b[i] != ':') {
            return false;
        }
        i = skipSpace(b, length, i + 1);
        return i < length && b[i] == value;
    }

    private static int skipSpace(byte[] b, int length, int i) {
        while (i < length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private void drain(JsonParser parser) throws IOException {
        JsonToken t;
        while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
            switch (t) {
                case FIELD_NAME -> {
                    path.removeLast();
                    path.addLast(parser.currentName());
                }
                case START_OBJECT -> {
                    enterValue();
                    path.addLast("");
                }
                case START_ARRAY -> {
                    enterValue();
                    path.addLast(ARRAY);
                }
                case END_OBJECT, END_ARRAY -> {
                    path.removeLast();
                    if (path.size() <= rootDepth) {
                        rootDepth = -1;
                    }
                }
                case VALUE_STRING -> {
                    String name = path.peekLast();
                    if (name != null && path.size() <= ANSWER_DEPTH + 1 && AnswerFields.named(name)) {
                        answer.accept(answerPath(), parser.getText());
                    }
                }
                case VALUE_NUMBER_INT -> {
                    String key = rootDepth >= 0 ? key() : null;
                    if (key != null) {
                        found.put(key, parser.getLongValue());
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * Called when a container starts: notes whether it is a usage root. Roots sit at the top of the
     * document or one object below it ({@code message.usage}, {@code meta.billed_units}), or in an
     * element of a top-level array (Google's streamed array): a {@code usage} object deeper down is
     * data, such as a tool call's arguments.
     */
    private void enterValue() {
        if (rootDepth >= 0 || path.isEmpty() || !ROOTS.contains(path.peekLast())) {
            return;
        }
        int depth = path.size();
        boolean topArray = ARRAY.equals(path.peekFirst());
        long arrays = path.stream().filter(ARRAY::equals).count();
        int belowTop = topArray ? depth - 1 : depth;
        if (arrays == (topArray ? 1 : 0) && belowTop <= 2) {
            rootDepth = depth;
        }
    }

    /** The path from the top of the document, a top-level array's element taken as the top (Google's streamed array). */
    private String answerPath() {
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        for (String segment : path) {
            if (first && segment == ARRAY) {
                first = false;
                continue;
            }
            first = false;
            if (!sb.isEmpty()) {
                sb.append('.');
            }
            sb.append(segment);
        }
        return sb.toString();
    }

    /** The path from the usage root, or null inside an array there (per-modality breakdowns). */
    private String key() {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (String segment : path) {
            if (++i >= rootDepth) {
                if (segment == ARRAY) {
                    return null;
                }
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(segment);
            }
        }
        return sb.toString();
    }
}
