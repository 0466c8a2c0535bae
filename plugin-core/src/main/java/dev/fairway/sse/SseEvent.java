package dev.fairway.sse;

/** One server-sent event: its name ({@code null} when the stream gave none) and its data lines joined by LF. */
public record SseEvent(String name, String data) {
    public byte[] encode() {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (name != null) {
            sb.append("event: ").append(name).append('\n');
        }
        for (String line : data.split("\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
