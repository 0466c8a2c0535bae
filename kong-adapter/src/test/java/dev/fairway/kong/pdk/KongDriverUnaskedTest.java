package dev.fairway.kong.pdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;

/**
 * The driver plays Kong for messages a plugin server sends unasked, such as a second PDK call
 * written right behind the first (pipelining): Kong 3.9's {@code mp_rpc.lua} reads one reply per
 * request with a reader made for that request, asserts the reply's id, and runs one PDK function
 * per reply, so such a call is never run. Here a hand-written server misbehaves in each of the
 * ways, and the driver must lose the message just as Kong does, never run it: the measurements
 * taken with the driver then cannot credit a shortcut Kong would not take.
 */
class KongDriverUnaskedTest {
    private static final KongDriver.PluginConf CONF = new KongDriver.PluginConf("p", 1, Map.of());

    @TempDir
    Path dir;

    private ServerSocketChannel listener;
    private KongDriver kong;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    /** How the fake server answers one request: the messages it writes, each in one write, after a pause when given. */
    interface Answer {
        List<Object> replies(String method, long msgId) throws IOException;
    }

    /** A message written on its own after a pause. */
    private record Later(byte[] message) {}

    @AfterEach
    void stop() throws Exception {
        if (kong != null) {
            kong.close();
        }
        if (listener != null) {
            listener.close();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
    }

    @Test
    void aSecondCallInTheSameChunkAsTheFirstIsDroppedAndNeverRun() throws Exception {
        kong = serve((method, id) -> switch (method) {
            case "plugin.StartInstance" -> List.of(reply(id, Map.of("Id", 7L)));
            // Both PDK calls as replies to the one HandleEvent, in one write: pipelined.
            case "plugin.HandleEvent" -> List.of(concat(
                    reply(id, step(List.of("kong.service.set_target", List.of("127.0.0.1", 8080L)))),
                    reply(id, step(List.of("kong.service.request.set_scheme", List.of("http"))))));
            default -> List.of(reply(id, Map.of("EventId", 1L, "Data", "ret")));
        });

        KongRequest req = kong.handle(CONF, "access", new KongRequest());

        assertThat(req.calls).containsExactly("kong.service.set_target");
        assertThat(req.scheme).isNull();
        assertThat(kong.droppedBytes.get()).isPositive();
        assertThat(kong.errors).isEmpty();
    }

    @Test
    void aMessageThatComesAfterTheReplyClosesTheSocketInThePool() throws Exception {
        kong = serve((method, id) -> List.of(reply(id, "ok"), new Later(reply(id, "unasked"))));

        assertThat(kong.call("plugin.GetStatus", null)).isEqualTo("ok");
        Thread.sleep(300); // the unasked message reaches the pooled socket
        assertThat(kong.call("plugin.GetStatus", null)).isEqualTo("ok");

        assertThat(kong.staleClosed.get()).isEqualTo(1);
        assertThat(connections.get()).isEqualTo(2);
    }

    @Test
    void aReplyWithAnotherIdFailsTheRequestAsKongsAssertDoes() throws Exception {
        kong = serve((method, id) -> method.equals("plugin.StartInstance")
                ? List.of(reply(id, Map.of("Id", 7L)))
                : List.of(reply(id - 1, step(List.of("kong.service.set_target", List.of("127.0.0.1", 8080L))))));

        KongRequest req = kong.handle(CONF, "access", new KongRequest());

        assertThat(req.calls).isEmpty();
        assertThat(req.exitStatus).isEqualTo(500);
        assertThat(kong.errors).singleElement().asString().contains("assertion failed");
    }

    // ---- the misbehaving plugin server

    private KongDriver serve(Answer answer) throws IOException {
        Path socket = dir.resolve("fake.socket");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Thread accept = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    SocketChannel ch = listener.accept();
                    connections.incrementAndGet();
                    Thread t = Thread.ofPlatform().daemon().start(() -> serveConnection(ch, answer));
                    threads.add(t);
                }
            } catch (IOException e) {
                // closed by the test
            }
        });
        threads.add(accept);
        return new KongDriver(socket, "fairway");
    }

    private static void serveConnection(SocketChannel ch, Answer answer) {
        try (ch; MessageUnpacker in = MessagePack.newDefaultUnpacker(java.nio.channels.Channels.newInputStream(ch))) {
            while (in.hasNext()) {
                List<Value> request = in.unpackValue().asArrayValue().list();
                String method = request.get(2).asStringValue().asString();
                long id = request.get(1).asIntegerValue().toLong();
                for (Object r : answer.replies(method, id)) {
                    if (r instanceof Later later) {
                        Thread.sleep(50);
                        write(ch, later.message());
                    } else {
                        write(ch, (byte[]) r);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // the driver closed the socket
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static Map<String, Object> step(List<Object> methodAndArgs) {
        return Map.of("EventId", 1L, "Data", Map.of("Method", methodAndArgs.get(0), "Args", methodAndArgs.get(1)));
    }

    private static byte[] reply(long id, Object result) throws IOException {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(4).packInt(1).packLong(id).packNil();
        KongDriver.pack(p, result);
        return p.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
