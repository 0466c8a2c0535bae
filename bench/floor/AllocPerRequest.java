import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Bytes the gateway allocated per request, per kind of thread, from a JFR recording of
 * {@code jdk.ThreadAllocationStatistics} (bench/floor/alloc.jfc: each thread's allocation counter
 * at the start and the end of the recording) taken while wrk sent a known number of requests.
 * Allocation per request does not depend on the machine's load, unlike rates and latencies.
 * Threads that work behind the requests (the log writer, the log store feeder) may carry work over
 * from before the window or leave some after it; the event loops' figure is exact.
 * <pre>java bench/floor/AllocPerRequest.java &lt;recording.jfr&gt; &lt;requests&gt; &lt;label&gt;</pre>
 * Prints one line: {@code label total=<B> eventloop=<B> log-writer=<B> log-store=<B> other=<B>}.
 */
public final class AllocPerRequest {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java AllocPerRequest.java <recording.jfr> <requests> <label>");
            System.exit(2);
        }
        long requests = Long.parseLong(args[1]);
        if (requests <= 0) {
            throw new IllegalArgumentException("requests: " + requests + " (expected: > 0)");
        }
        // Per thread: the lowest and highest counter seen; the difference is what it allocated meanwhile.
        Map<Long, long[]> range = new TreeMap<>();
        Map<Long, String> names = new TreeMap<>();
        try (RecordingFile f = new RecordingFile(Path.of(args[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ThreadAllocationStatistics")) {
                    continue;
                }
                RecordedThread t = e.getThread("thread");
                if (t == null) {
                    continue;
                }
                long v = e.getLong("allocated");
                long[] r = range.computeIfAbsent(t.getJavaThreadId(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                r[0] = Math.min(r[0], v);
                r[1] = Math.max(r[1], v);
                names.put(t.getJavaThreadId(), t.getJavaName() == null ? "" : t.getJavaName());
            }
        }
        Map<String, Long> byKind = new TreeMap<>(Map.of("eventloop", 0L, "log-writer", 0L, "log-store", 0L, "other", 0L));
        long total = 0;
        for (Map.Entry<Long, long[]> e : range.entrySet()) {
            long bytes = e.getValue()[1] - e.getValue()[0];
            total += bytes;
            byKind.merge(kind(names.get(e.getKey())), bytes, Long::sum);
        }
        StringBuilder line = new StringBuilder(args[2]).append(" requests=").append(requests)
                .append(" total=").append(total / requests);
        for (String k : new String[] {"eventloop", "log-writer", "log-store", "other"}) {
            line.append(' ').append(k).append('=').append(byKind.get(k) / requests);
        }
        System.out.println(line);
    }

    private static String kind(String thread) {
        if (thread.startsWith("vert.x-eventloop-thread")) {
            return "eventloop";
        }
        if (thread.startsWith("fairway-log-writer")) {
            return "log-writer";
        }
        if (thread.startsWith("fairway-log-store")) {
            return "log-store";
        }
        return "other";
    }
}
