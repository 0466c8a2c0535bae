package dev.fairway.cache;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
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
 * in arrival order, then that object's region is permuted in place into name order, so no tree is
 * built and nothing depends on a map's iteration order.
 */
final class CanonicalJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(256).build())
            .build();
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private byte[] out;
    private int size;

    private CanonicalJson(int capacity) {
        out = new byte[Math.max(16, capacity)];
    }

    /** The canonical bytes of {@code json}; throws IOException when it is not one JSON value. */
    static byte[] of(byte[] json) throws IOException {
        CanonicalJson c = new CanonicalJson(json.length);
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new IOException("empty document");
            }
            c.value(p, first);
            if (p.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
        }
        return Arrays.copyOf(c.out, c.size);
    }

    private void value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT -> object(p);
            case START_ARRAY -> array(p);
            case VALUE_STRING -> string(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> ascii(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
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

    private void object(JsonParser p) throws IOException {
        put((byte) '{');
        int start = size;
        List<Member> members = null;
        String previous = null;
        boolean sorted = true;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            int from = size;
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
        if (members != null) {
            if (!sorted) {
                permute(start, members);
            }
            // Commas go in after sorting, so member regions hold exactly name:value.
            insertCommas(start, members);
        }
        put((byte) '}');
    }

    private void permute(int start, List<Member> members) {
        byte[] region = Arrays.copyOfRange(out, start, size);
        members.sort(null); // stable: duplicate names keep their order
        int at = start;
        for (Member m : members) {
            int len = m.to - m.from;
            System.arraycopy(region, m.from - start, out, at, len);
            m.to = at + len;
            m.from = at;
            at += len;
        }
    }

    private void insertCommas(int start, List<Member> members) {
        int commas = members.size() - 1;
        if (commas == 0) {
            return;
        }
        ensure(commas);
        // Shift from the end so every byte moves once.
        int end = size;
        int shift = commas;
        for (int i = members.size() - 1; i > 0; i--) {
            Member m = members.get(i);
            System.arraycopy(out, m.from, out, m.from + shift, end - m.from);
            shift--;
            out[m.from + shift] = ',';
            end = m.from;
        }
        size += commas;
    }

    private void string(String s) {
        put((byte) '"');
        for (int i = 0; i < s.length(); i++) {
            i = character(s.charAt(i), i, s, null, 0, s.length());
        }
        put((byte) '"');
    }

    private void string(char[] chars, int offset, int length) {
        put((byte) '"');
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            i = character(chars[i], i, null, chars, offset, end);
        }
        put((byte) '"');
    }

    /** Writes one character as UTF-8 (escaping what JSON requires); returns the index last consumed. */
    private int character(char c, int i, String s, char[] chars, int offset, int end) {
        if (c == '"' || c == '\\') {
            put((byte) '\\');
            put((byte) c);
        } else if (c < 0x20) {
            ensure(6);
            out[size++] = '\\';
            out[size++] = 'u';
            out[size++] = '0';
            out[size++] = '0';
            out[size++] = HEX[c >> 4];
            out[size++] = HEX[c & 0xF];
        } else if (c < 0x80) {
            put((byte) c);
        } else if (c < 0x800) {
            ensure(2);
            out[size++] = (byte) (0xC0 | c >> 6);
            out[size++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isHighSurrogate(c) && i + 1 < end
                && Character.isLowSurrogate(s != null ? s.charAt(i + 1) : chars[i + 1])) {
            int cp = Character.toCodePoint(c, s != null ? s.charAt(i + 1) : chars[i + 1]);
            ensure(4);
            out[size++] = (byte) (0xF0 | cp >> 18);
            out[size++] = (byte) (0x80 | cp >> 12 & 0x3F);
            out[size++] = (byte) (0x80 | cp >> 6 & 0x3F);
            out[size++] = (byte) (0x80 | cp & 0x3F);
            return i + 1;
        } else {
            // Lone surrogates (possible through \\u escapes) are kept as their 3-byte form.
            ensure(3);
            out[size++] = (byte) (0xE0 | c >> 12);
            out[size++] = (byte) (0x80 | c >> 6 & 0x3F);
            out[size++] = (byte) (0x80 | c & 0x3F);
        }
        return i;
    }

    private void ascii(char[] chars, int offset, int length) {
        ensure(length);
        for (int i = 0; i < length; i++) {
            out[size++] = (byte) chars[offset + i];
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

    private void ensure(int more) {
        if (size + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, size + more));
        }
    }

    private static final class Member implements Comparable<Member> {
        final String name;
        int from;
        int to;

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
