import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One OpenAI Realtime session through Fairway, with the JDK's own WebSocket client (no dependency).
 * With `bin/fairway serve --demo` running: `java examples/realtime/Realtime.java`
 * (or pass the gateway's WebSocket URL as the first argument).
 */
public class Realtime {
    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "ws://127.0.0.1:8787/openai/v1/realtime?model=gpt-4o-realtime-preview";
        CompletableFuture<Void> done = new CompletableFuture<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("OpenAI-Beta", "realtime=v1")
                .header("cf-aig-metadata", "{\"user\":\"alice\"}")
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder message = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                        message.append(data);
                        if (last) {
                            String event = message.toString();
                            message.setLength(0);
                            String type = event.replaceAll("(?s).*?\"type\":\"([^\"]+)\".*", "$1");
                            if (type.endsWith(".delta")) {
                                System.out.print(event.replaceAll("(?s).*\"delta\":\"([^\"]*)\".*", "$1"));
                            } else {
                                System.out.println("\n<- " + type);
                            }
                            if (type.equals("response.done")) {
                                System.out.println(event.replaceAll("(?s).*(\"usage\":\\{.*?\\}\\}).*", "$1"));
                                done.complete(null);
                            }
                        }
                        socket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                        System.out.println("closed " + code + " " + reason);
                        done.complete(null);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        // One send at a time: the JDK's WebSocket refuses a send while another is pending.
        ws.sendText("{\"type\":\"session.update\",\"session\":{\"instructions\":\"Answer briefly.\"}}", true).join();
        ws.sendText("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"Hello Fairway\"}]}}", true).join();
        ws.sendText("{\"type\":\"response.create\",\"response\":{\"modalities\":[\"text\"]}}", true).join();
        done.get(30, TimeUnit.SECONDS);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }
}
