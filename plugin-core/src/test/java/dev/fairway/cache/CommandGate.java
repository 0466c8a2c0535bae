package dev.fairway.cache;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A relay in front of a Redis that can stop a gateway process's commands between two of them: it
 * reads each whole command its clients send (RESP arrays of bulk strings, as Lettuce writes them)
 * and forwards it only while it has passes left. Answers always flow. So a test can let a process's
 * first look at Redis through, hold its next command, change Redis meanwhile through another
 * process, and then let it go on: the interleaving a busy process meets by chance.
 */
final class CommandGate implements AutoCloseable {
    private static final int OPEN = Integer.MAX_VALUE;

    private final ServerSocket listener;
    private final int redisPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private int passes = OPEN;
    private boolean holding;

    private CommandGate(int redisPort) throws IOException {
        this.redisPort = redisPort;
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        daemon(this::accept);
    }

    static CommandGate to(int redisPort) throws IOException {
        return new CommandGate(redisPort);
    }

    String uri() {
        return "redis://127.0.0.1:" + listener.getLocalPort();
    }

    /** Lets {@code commands} more commands through, then holds the next one until {@link #open()}. */
    synchronized void holdAfter(int commands) {
        passes = commands;
    }

    /** Whether a command is being held. */
    synchronized boolean holding() {
        return holding;
    }

    synchronized void open() {
        passes = OPEN;
        notifyAll();
    }

    private synchronized void pass() throws InterruptedException {
        while (passes == 0) {
            holding = true;
            wait();
        }
        holding = false;
        if (passes != OPEN) {
            passes--;
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(client);
                sockets.add(redis);
                daemon(() -> commands(client, redis));
                daemon(() -> copy(redis, client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void commands(Socket client, Socket redis) {
        try (InputStream in = new BufferedInputStream(client.getInputStream()); OutputStream out = redis.getOutputStream()) {
            while (true) {
                byte[] command = command(in);
                if (command == null) {
                    return;
                }
                pass();
                out.write(command);
                out.flush();
            }
        } catch (IOException e) {
            closeQuietly(client, redis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One whole command ({@code *n} then n bulk strings), as read; null at the end of the stream. */
    private static byte[] command(InputStream in) throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        String head = line(in, whole);
        if (head == null) {
            return null;
        }
        if (!head.startsWith("*")) {
            throw new IOException("not a RESP array: " + head);
        }
        for (int i = Integer.parseInt(head.substring(1)); i > 0; i--) {
            String bulk = line(in, whole);
            if (bulk == null || !bulk.startsWith("$")) {
                throw new IOException("not a bulk string: " + bulk);
            }
            byte[] value = in.readNBytes(Integer.parseInt(bulk.substring(1)) + 2);
            whole.write(value);
        }
        return whole.toByteArray();
    }

    private static String line(InputStream in, ByteArrayOutputStream whole) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            whole.write(b);
            if (b == '\n') {
                return text.toString(StandardCharsets.US_ASCII).trim();
            }
            text.write(b);
        }
        return null;
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // one side closed: close both below
        }
        closeQuietly(from, to);
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "command-gate");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        open();
        listener.close();
        sockets.forEach(CommandGate::closeQuietly);
    }
}
