package dev.fairway.pipeline;

/**
 * How a WebSocket session (a realtime session) went, for its one log record.
 *
 * @param fromClient messages the client sent upstream
 * @param toClient messages the provider sent the client
 * @param closeCode the WebSocket close code the session ended with (1006 when a side vanished without one)
 * @param closedBy who ended it: {@code client}, {@code upstream} or {@code gateway}
 */
public record SessionEvents(long fromClient, long toClient, int closeCode, String closedBy) {}
