package dev.fairway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The canonical form of a JSON document for cache keys: object members sorted by name at every
 * depth, no insignificant whitespace, numbers exactly as written, strings re-escaped one fixed way.
 * Two bodies that differ only in member order or layout give the same bytes.
 *
 * <p>Single pass over Jackson's token stream into one byte array: each object's members are written
 * in arrival order, then that object's region is permuted into name order, so no tree is built and
 * nothing depends on a map's iteration order.
 */
public final class CanonicalJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] out;
    private int size;
    /** Where permute keeps an object's members while it rewrites them in order: one array for every object. */
    private byte[] scratch;

    private CanonicalJson(int capacity) {
        out = new byte[Math.max(16, capacity)];
    }

    /** The canonical bytes of {@code json}; throws IOException when it is not one JSON value. */
    static byte[] of(byte[] json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            return of(p, json.length);
        }
    }

    /**
     * The canonical bytes of a parsed request body, walked rather than parsed again; numbers are
     * written as the tree holds them (decimals with the scale they were written with).
     */
    public static byte[] of(JsonNode tree, int sizeHint) throws IOException {
        try (JsonParser p = tree.traverse()) {
            return of(p, sizeHint);
        }
    }

    /** Where canonical bytes go when they are not wanted as an array of their own: {@code b[off, off + len)}, valid during the call. */
    interface Sink {
        void accept(byte[] b, int off, int len);
    }

    /** As {@link #of(JsonNode, int)}, the bytes handed to {@code sink} once complete rather than copied out (a cache key only hashes them). */
    static void of(JsonNode tree, int sizeHint, Sink sink) throws IOException {
        try (JsonParser p = tree.traverse()) {
            CanonicalJson c = write(p, sizeHint);
            sink.accept(c.out, 0, c.size);
        }
    }

    private static byte[] of(JsonParser p, int sizeHint) throws IOException {
        CanonicalJson c = write(p, sizeHint);
        return Arrays.copyOf(c.out, c.size);
    }

    private static CanonicalJson write(JsonParser p, int sizeHint) throws IOException {
        CanonicalJson c = new CanonicalJson(sizeHint);
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new IOException("empty document");
        }
        c.value(p, first);
        if (p.nextToken() != null) {
            throw new IOException("content after the JSON value");
        }
        return c;
    }

    /**
     * The current token's text without a copy: the parser's own buffer when it has one (parsing
     * bytes), else the string it holds (walking a tree, whose getTextCharacters() would copy it).
     */
    private static CharSequence text(JsonParser p) throws IOException {
        return p.hasTextCharacters() ? CharBuffer.wrap(p.getTextCharacters(), p.getTextOffset(), p.getTextLength()) : p.getText();
    }

    private void value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            case VALUE_STRING -> string(text(p));
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ascii(text(p));
            case VALUE_TRUE -> raw("true");
            case VALUE_FALSE -> raw("false");
            case VALUE_NULL -> raw("null");
            default -> throw new IOException("unexpected token " + t);
        }
    }

    private void array(JsonParser p) throws IOException {
        put((byte) '[');
        boolean first = true;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (!first) {
                put((byte) ',');
            }
            first = false;
            value(p, t);
        }
        put((byte) ']');
    }

    /**
     * Each member is written as {@code ,name:value}; sorting moves whole members, and the first
     * member's comma then becomes the opening brace, so no byte is shifted to place separators.
     */
    private void object(JsonParser p) throws IOException {
        int start = size;
        List<Member> members = null;
        String previous = null;
        boolean sorted = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int from = size;
            put((byte) ',');
            string(name);
            put((byte) ':');
            value(p, p.nextToken());
            if (members == null) {
                members = new ArrayList<>(8);
            }
            members.add(new Member(name, from, size));
            sorted &= previous == null || previous.compareTo(name) <= 0;
            previous = name;
        }
        if (members == null) {
            raw("{}");
            return;
        }
        if (!sorted) {
            permute(start, members);
        }
        out[start] = '{';
        put((byte) '}');
    }

    private void permute(int start, List<Member> members) {
        int length = size - start;
        if (scratch == null || scratch.length < length) {
            // Sized for the whole document so far: an enclosing object, permuted later, holds this one.
            scratch = new byte[Math.max(length, size)];
        }
        byte[] region = scratch;
        System.arraycopy(out, start, region, 0, length);
        members.sort(null); // stable: duplicate names keep their order
        int at = start;
        for (Member m : members) {
            int len = m.to - m.from;
            System.arraycopy(region, m.from - start, out, at, len);
            at += len;
        }
    }

    private void string(CharSequence chars) {
        int offset = 0;
        int length = chars.length();
        // Room for plain ASCII first: reserving the worst case (6 bytes a character) for every string
        // grew the buffer far past the document's size and made a 2 KiB body allocate 15 KiB.
        ensure(length + 2L);
        byte[] o = out;
        int at = size;
        o[at++] = '"';
        int end = offset + length;
        int i = offset;
        for (; i < end; i++) {
            char c = chars.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                break;
            }
            o[at++] = (byte) c;
        }
        if (i < end) {
            // From the first character needing more than one byte, room for the worst case of the
            // rest (a control character takes 6 bytes), so the loop below does no checks.
            size = at;
            ensure((end - i) * 6L + 1);
            o = out;
        }
        for (; i < end; i++) {
            char c = chars.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                o[at++] = (byte) c;
            } else if (c == '"' || c == '\\') {
                o[at++] = '\\';
                o[at++] = (byte) c;
            } else if (c < 0x20) {
                o[at++] = '\\';
                o[at++] = 'u';
                o[at++] = '0';
                o[at++] = '0';
                o[at++] = HEX[c >> 4];
                o[at++] = HEX[c & 0xF];
            } else if (c < 0x800) {
                o[at++] = (byte) (0xC0 | c >> 6);
                o[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, chars.charAt(++i));
                o[at++] = (byte) (0xF0 | cp >> 18);
                o[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                o[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                o[at++] = (byte) (0x80 | cp & 0x3F);
            } else {
                // Lone surrogates (JSON escapes can spell them) keep their 3-byte form.
                o[at++] = (byte) (0xE0 | c >> 12);
                o[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                o[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        o[at++] = '"';
        size = at;
    }

    private void ascii(CharSequence chars) {
        int length = chars.length();
        ensure(length);
        for (int i = 0; i < length; i++) {
            out[size++] = (byte) chars.charAt(i);
        }
    }

    private void raw(String literal) {
        ensure(literal.length());
        for (int i = 0; i < literal.length(); i++) {
            out[size++] = (byte) literal.charAt(i);
        }
    }

    private void put(byte b) {
        ensure(1);
        out[size++] = b;
    }

    private void ensure(long more) {
        long needed = size + more;
        if (needed > out.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("canonical form too large: " + needed + " bytes");
            }
            out = Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(out.length * 2L, needed)));
        }
    }

    private static final class Member implements Comparable<Member> {
        final String name;
        final int from;
        final int to;

        Member(String name, int from, int to) {
            this.name = name;
            this.from = from;
            this.to = to;
        }

        @Override
        public int compareTo(Member o) {
            return name.compareTo(o.name);
        }
    }
}
