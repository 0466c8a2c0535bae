package dev.fairway.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OpenAI's Realtime API over a WebSocket ({@code GET .../realtime?model=...} with an upgrade):
 * {@code session.created} on open; {@code session.update}, {@code input_audio_buffer.append} and
 * {@code .commit}, {@code conversation.item.create} and {@code response.create} answered with the
 * events OpenAI sends, the response as {@code x-mock-chunks} deltas ({@code response.text.delta},
 * or {@code response.audio.delta} and {@code response.audio_transcript.delta} when the session's
 * modalities include audio) and a {@code response.done} whose usage counts, deterministically,
 * one input token per word of instructions and conversation text plus one per 100 bytes of
 * appended audio, and one output token per delta (two for an audio delta). Faults:
 * {@code x-mock-status} refuses the upgrade; {@code x-mock-cut-after: n} closes the socket (1011)
 * after n deltas of the first response; {@code x-mock-reset} then drops the connection instead.
 * Deltas are written as the socket's write queue allows, so a slow reader slows the mock down.
 */
final class RealtimeMock {
    /** Decoded bytes of one audio delta: 100 ms of 24 kHz 16-bit mono. */
    static final int AUDIO_DELTA_BYTES = 4800;
    /** Deltas written per turn of the event loop. */
    private static final int BATCH = 32;
    private static final String AUDIO = Base64.getEncoder().encodeToString(new byte[AUDIO_DELTA_BYTES]);

    private final RequestRecorder recorder;
    private final int defaultChunks;

    RealtimeMock(RequestRecorder recorder, int defaultChunks) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.defaultChunks = defaultChunks;
    }

    static boolean accepts(HttpServerRequest request) {
        return request.canUpgradeToWebSocket() && request.path().endsWith("/realtime");
    }

    void handle(HttpServerRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        String model = request.getParam("model");
        recorder.record(new RecordedRequest("GET", request.uri(), headers, new byte[0], model));
        String status = request.getHeader(Directives.STATUS);
        String auth = request.getHeader("authorization");
        if (status != null || auth == null || !auth.startsWith("Bearer ") || model == null) {
            int code = status != null ? Integer.parseInt(status.strip()) : model == null ? 400 : 401;
            String message = model == null ? "missing model" : status != null ? "mock fault" : "missing bearer token";
            ObjectNode err = Json.object();
            err.putObject("error").put("type", "invalid_request_error").put("message", message);
            request.response().setStatusCode(code).putHeader("content-type", "application/json").end(err.toString());
            return;
        }
        int chunks = intHeader(request, Directives.CHUNKS, defaultChunks);
        int cutAfter = intHeader(request, Directives.CUT_AFTER, -1);
        boolean reset = request.getHeader(Directives.RESET) != null;
        HttpConnection connection = request.connection();
        request.toWebSocket().onSuccess(ws -> new Session(ws, connection, model, chunks, cutAfter, reset).start());
    }

    private static int intHeader(HttpServerRequest request, String name, int otherwise) {
        String v = request.getHeader(name);
        return v == null ? otherwise : Integer.parseInt(v.strip());
    }

    /** One client's conversation with the mock. */
    private static final class Session {
        private final ServerWebSocket ws;
        private final HttpConnection connection;
        private final ObjectNode session = Json.object();
        private final int chunks;
        private final int cutAfter;
        private final boolean reset;
        private int events;
        private int items;
        private int responses;
        private long bufferedAudio;
        private long inputAudio;
        private long inputWords;

        Session(ServerWebSocket ws, HttpConnection connection, String model, int chunks, int cutAfter, boolean reset) {
            this.ws = ws;
            this.connection = connection;
            this.chunks = chunks;
            this.cutAfter = cutAfter;
            this.reset = reset;
            session.put("id", "sess_mock").put("object", "realtime.session").put("model", model);
            session.putArray("modalities").add("text");
            session.put("instructions", "");
        }

        void start() {
            ws.textMessageHandler(this::onMessage);
            send(event("session.created").set("session", session.deepCopy()));
        }

        private void onMessage(String text) {
            JsonNode in;
            try {
                in = Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (Exception e) {
                error("invalid_json", "the event is not JSON");
                return;
            }
            switch (in.path("type").asText()) {
                case "session.update" -> {
                    in.path("session").fields().forEachRemaining(f -> session.set(f.getKey(), f.getValue()));
                    send(event("session.updated").set("session", session.deepCopy()));
                }
                case "input_audio_buffer.append" -> bufferedAudio += Base64.getDecoder().decode(in.path("audio").asText("")).length;
                case "input_audio_buffer.commit" -> {
                    inputAudio += bufferedAudio;
                    bufferedAudio = 0;
                    send(event("input_audio_buffer.committed").put("item_id", "item_" + (++items)));
                }
                case "conversation.item.create" -> {
                    in.path("item").path("content").forEach(c -> inputWords += Words.count(c.path("text").asText("")));
                    ObjectNode created = event("conversation.item.created");
                    created.set("item", ((ObjectNode) in.path("item").deepCopy()).put("id", "item_" + (++items)));
                    send(created);
                }
                case "response.create" -> respond(in.path("response"));
                default -> error("unknown_event", "unknown event type: " + in.path("type").asText());
            }
        }

        private void respond(JsonNode options) {
            String id = "resp_" + (++responses);
            boolean audio = modalities(options).contains("audio");
            long instructionWords = Words.count(options.path("instructions").asText(session.path("instructions").asText("")));
            ObjectNode response = Json.object().put("id", id).put("object", "realtime.response").put("status", "in_progress");
            response.putArray("output");
            send(event("response.created").set("response", response.deepCopy()));
            ObjectNode item = Json.object().put("id", "item_" + (++items)).put("type", "message").put("role", "assistant");
            send(event("response.output_item.added").put("response_id", id).set("item", item));
            boolean faulty = cutAfter >= 0 && responses == 1;
            deltas(id, item.path("id").asText(), audio, 0, faulty, () -> {
                send(event(audio ? "response.audio.done" : "response.text.done").put("response_id", id));
                send(event("response.output_item.done").put("response_id", id).set("item", item));
                long in = 1 + inputWords + instructionWords + inputAudio / 100;
                long out = (long) chunks * (audio ? 2 : 1);
                response.put("status", "completed");
                ObjectNode usage = response.putObject("usage").put("total_tokens", in + out).put("input_tokens", in).put("output_tokens", out);
                usage.putObject("input_token_details").put("cached_tokens", 0).put("text_tokens", in - inputAudio / 100)
                        .put("audio_tokens", inputAudio / 100);
                usage.putObject("output_token_details").put("text_tokens", audio ? chunks : out).put("audio_tokens", audio ? chunks : 0);
                send(event("response.done").set("response", response));
            });
        }

        /** Sends delta {@code i} onwards, pausing while the socket's write queue is full. */
        private void deltas(String responseId, String itemId, boolean audio, int i, boolean faulty, Runnable then) {
            for (int n = i; n < chunks; n++) {
                if (faulty && n == cutAfter) {
                    if (reset) {
                        connection.close();
                    } else {
                        ws.close((short) 1011, "mock fault: closed mid-response");
                    }
                    return;
                }
                String word = "w" + n + " ";
                if (audio) {
                    send(event("response.audio_transcript.delta").put("response_id", responseId).put("item_id", itemId).put("delta", word));
                    send(event("response.audio.delta").put("response_id", responseId).put("item_id", itemId).put("delta", AUDIO));
                } else {
                    send(event("response.text.delta").put("response_id", responseId).put("item_id", itemId).put("delta", word));
                }
                int next = n + 1;
                if (ws.writeQueueFull()) {
                    ws.drainHandler(v -> deltas(responseId, itemId, audio, next, faulty, then));
                    return;
                }
                if (next % BATCH == 0) {
                    // Writes are flushed, and the queue's state known, once the event loop gets its turn.
                    io.vertx.core.Vertx.currentContext().runOnContext(v -> deltas(responseId, itemId, audio, next, faulty, then));
                    return;
                }
            }
            then.run();
        }

        private List<String> modalities(JsonNode options) {
            JsonNode m = options.has("modalities") ? options.path("modalities") : session.path("modalities");
            List<String> out = new ArrayList<>();
            if (m instanceof ArrayNode a) {
                a.forEach(x -> out.add(x.asText()));
            }
            return out;
        }

        private ObjectNode event(String type) {
            return Json.object().put("type", type).put("event_id", "event_" + (++events));
        }

        private void error(String code, String message) {
            ObjectNode e = event("error");
            e.putObject("error").put("type", "invalid_request_error").put("code", code).put("message", message);
            send(e);
        }

        private void send(ObjectNode event) {
            if (!ws.isClosed()) {
                ws.writeTextMessage(event.toString());
            }
        }
    }
}
