package dev.fairway.log.export;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys: {@code <prefix>/yyyy/mm/dd/hh/<first seq>-<last seq>.ndjson.gz}, the hour of the
 * first record. A segment always yields the same key, so uploading it again after a crash
 * replaces the object instead of duplicating its records.
 */
public final class ObjectNames {
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final Pattern KEY = Pattern.compile(".*/(\\d{20})-(\\d{20})\\.ndjson\\.gz");

    private ObjectNames() {}

    public static String key(String prefix, Instant firstRecord, long firstSeq, long lastSeq) {
        String base = String.format("%s/%020d-%020d.ndjson.gz", HOUR.format(firstRecord), firstSeq, lastSeq);
        return prefix.isEmpty() ? base : prefix + "/" + base;
    }

    /** The first sequence number a key names, or -1 when it is not one of ours. */
    public static long firstSeq(String key) {
        Matcher m = KEY.matcher(key);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }
}
