package dev.fairway.logstore;

import java.util.ArrayList;
import java.util.List;

/**
 * The counters of one analytics cell (a rollup row, or the sum of several): their order in a
 * {@code long[]}, their rollup column names, and the text form of the two latency histograms. A
 * histogram is one column ("3,0,1": the counts of buckets 0, 1, 2..., trailing zeros left out)
 * instead of one column per bucket: a rollup row then carries a few short values, so ingest binds
 * 20 parameters per row instead of 140 and a 7-day query reads 27,000 narrow rows and adds them up
 * in Java instead of summing 134 columns per row in SQL.
 */
final class Cells {
    static final int REQUESTS = 0;
    static final int CACHED = 1;
    static final int SEMANTIC = 2;
    static final int ERRORS = 3;
    static final int TOKENS_IN = 4;
    static final int TOKENS_OUT = 5;
    static final int TOKENS_CACHED = 6;
    static final int FEEDBACK_UP = 7;
    static final int FEEDBACK_DOWN = 8;
    static final int SCORE_SUM = 9;
    static final int SCORE_COUNT = 10;
    /** The number of plain counters; the latency histogram follows them, then the ttfb one. */
    static final int COUNTERS = 11;
    static final int BUCKETS = 64;
    static final int LATENCY = COUNTERS;
    static final int TTFB = COUNTERS + BUCKETS;
    static final int SIZE = COUNTERS + 2 * BUCKETS;

    /** The rollup's columns of the plain counters, in their order. */
    static final List<String> COUNTER_COLUMNS = List.of("requests", "cached", "semantic", "errors", "tokens_in",
            "tokens_out", "tokens_cached", "feedback_up", "feedback_down", "score_sum", "score_count");

    private Cells() {}

    /** Histogram {@code at} (LATENCY or TTFB) of {@code cells} as text. */
    static String encode(long[] cells, int at) {
        int last = -1;
        for (int i = 0; i < BUCKETS; i++) {
            if (cells[at + i] != 0) {
                last = i;
            }
        }
        StringBuilder sb = new StringBuilder(2 * (last + 1));
        for (int i = 0; i <= last; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cells[at + i]);
        }
        return sb.toString();
    }

    /** Adds the histogram {@code text} into {@code cells} at {@code at}. */
    static void addDecoded(String text, long[] cells, int at) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int bucket = 0;
        long value = 0;
        boolean negative = false;
        for (int i = 0; i <= text.length(); i++) {
            char ch = i == text.length() ? ',' : text.charAt(i);
            if (ch == ',') {
                if (bucket >= BUCKETS) {
                    throw new StoreException("rollup histogram: more than " + BUCKETS + " buckets in " + text, null);
                }
                cells[at + bucket++] += negative ? -value : value;
                value = 0;
                negative = false;
            } else if (ch == '-') {
                negative = true;
            } else if (ch >= '0' && ch <= '9') {
                value = value * 10 + (ch - '0');
            } else {
                throw new StoreException("rollup histogram: not a list of counts: " + text, null);
            }
        }
    }

    /** The sum of two histogram texts (SQLite's {@code fairway_hist_add}, a rollup upsert's merge). */
    static String add(String a, String b) {
        long[] sum = new long[SIZE];
        addDecoded(a, sum, LATENCY);
        addDecoded(b, sum, LATENCY);
        return encode(sum, LATENCY);
    }

    /** The counter columns with the histogram and cost columns after them. */
    static List<String> valueColumns() {
        List<String> cols = new ArrayList<>(COUNTER_COLUMNS);
        cols.add("cost_usd");
        cols.add("latency");
        cols.add("ttfb");
        return cols;
    }
}
