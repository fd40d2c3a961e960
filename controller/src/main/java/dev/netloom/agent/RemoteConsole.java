package dev.netloom.agent;

import dev.netloom.api.ApiClient;
import dev.netloom.api.LabOps;
import dev.netloom.nodes.NetloomException;
import dev.netloom.nodes.console.Attachment;
import dev.netloom.nodes.console.ConsoleListener;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A node's console on another host, as the coordinator serves it: each attach is a connection of its
 * own to the node's agent ({@code node.console}), whose bytes go to the listener; typed bytes go down
 * the same connection. Closing the attachment closes the connection (the agent detaches).
 */
final class RemoteConsole implements LabOps.ConsolePort {

    private final InetSocketAddress agent;
    private final String token;
    private final String node;
    private volatile PipedOutputStream typed;

    RemoteConsole(InetSocketAddress agent, String token, String node) {
        this.agent = agent;
        this.token = token;
        this.node = node;
    }

    @Override
    public Attachment attach(ConsoleListener listener) {
        ApiClient client = ApiClient.connectTcp(agent, token, Duration.ofSeconds(10));
        PipedInputStream in = new PipedInputStream(64 * 1024);
        try {
            typed = new PipedOutputStream(in);
        } catch (IOException e) {
            client.close();
            throw new NetloomException("cannot relay the console of " + node + ": " + e.getMessage(), e);
        }
        OutputStream toListener = new OutputStream() {
            @Override
            public void write(int b) {
                listener.onData(new byte[]{(byte) b});
            }

            @Override
            public void write(byte[] b, int off, int len) {
                byte[] chunk = new byte[len];
                System.arraycopy(b, off, chunk, 0, len);
                listener.onData(chunk);
            }
        };
        Thread relay = new Thread(() -> {
            try {
                client.console(node, in, toListener);
            } catch (RuntimeException e) {
                listener.onData(("\r\nnetloom: the console of " + node + " on its host ended: " + e.getMessage() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } finally {
                listener.onClose();
            }
        }, "console-relay-" + node);
        relay.setDaemon(true);
        relay.start();
        return () -> {
            client.close();
            try {
                typed.close();
            } catch (IOException e) {
                // the relay has ended
            }
        };
    }

    @Override
    public CompletableFuture<Void> send(byte[] bytes) {
        try {
            PipedOutputStream out = typed;
            if (out == null) {
                throw new IOException("not attached");
            }
            out.write(bytes);
            out.flush();
            return CompletableFuture.completedFuture(null);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new NetloomException("cannot type on the console of " + node + ": " + e.getMessage(), e));
        }
    }
}
