package dev.netloom.api;

import dev.netloom.nodes.NetloomException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The connection under an {@link ApiClient}: a socket channel (the lab's Unix socket, or TCP), or a
 * TLS socket (an agent's API, docs/scale-out.md). One thread reads while others write.
 */
abstract class ApiWire {

    /**
     * Connects to a Unix or TCP socket, retrying while it does not exist yet or refuses (the server is
     * still starting) until {@code budget} is spent.
     */
    static ApiWire connect(SocketAddress address, StandardProtocolFamily family, String peer, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        while (true) {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(family);
                ch.connect(address);
                return of(ch);
            } catch (IOException e) {
                closeQuietly(ch);
                String why = String.valueOf(e.getMessage());
                if (why.contains("ermission denied") || System.nanoTime() > deadline) {
                    throw new NetloomException("cannot connect to the lab API at " + peer + ": " + why
                            + (why.contains("ermission") ? " (the socket is mode 0600: run as the lab's user)"
                            : " (is the lab running? `netloom status` shows its socket)"), e);
                }
                pause(peer);
            }
        }
    }

    /**
     * Connects over mutual TLS ({@code tls}: this side's key and what it accepts of the server),
     * retrying while the server does not listen yet until {@code budget} is spent; a handshake either
     * side refuses is not retried.
     */
    static ApiWire connectTls(InetSocketAddress address, SSLContext tls, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        while (true) {
            Socket plain = new Socket();
            try {
                plain.connect(address, 10_000);
            } catch (IOException e) {
                closeQuietly(plain);
                if (System.nanoTime() > deadline) {
                    throw new NetloomException("cannot connect to the agent API at " + address + ": " + e.getMessage()
                            + " (is its agent running? it serves once its part is READY)", e);
                }
                pause(address.toString());
                continue;
            }
            SSLSocket socket = null;
            try {
                socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, address.getHostString(), address.getPort(), true);
                socket.setUseClientMode(true);
                socket.startHandshake();
                return of(socket);
            } catch (IOException e) {
                closeQuietly(socket != null ? socket : plain);
                throw new NetloomException("TLS with the agent API at " + address + " failed: " + e.getMessage()
                        + " (both sides need certificates of one set: `netloom certs create`, docs/scale-out.md)", e);
            }
        }
    }

    /** Between two tries to connect to a server that does not listen yet: pacing, not synchronisation. */
    private static void pause(String peer) {
        try {
            Thread.sleep(50);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new NetloomException("interrupted while connecting to " + peer, ie);
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
    }

    /** Reads into {@code buf}; -1 at the end. */
    abstract int read(byte[] buf) throws IOException;

    /** Writes all of {@code bytes}; callers hold the client's write lock. */
    abstract void write(byte[] bytes) throws IOException;

    /** Asks the server to end a capture stream after its last whole block. */
    abstract void stopCapture() throws IOException;

    /** The client's input ended (a console's): the server detaches. */
    abstract void endInput() throws IOException;

    abstract void close();

    static ApiWire of(SocketChannel channel) {
        return new ApiWire() {
            @Override
            int read(byte[] buf) throws IOException {
                return channel.read(ByteBuffer.wrap(buf));
            }

            @Override
            void write(byte[] bytes) throws IOException {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }

            @Override
            void stopCapture() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            void endInput() throws IOException {
                channel.shutdownOutput();
            }

            @Override
            void close() {
                try {
                    channel.close();
                } catch (IOException e) {
                    // nothing left to do
                }
            }
        };
    }

    /** Over TLS a half-close is not something every peer reads as the end of input, so a capture is stopped with a byte. */
    static ApiWire of(SSLSocket socket) throws IOException {
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new ApiWire() {
            @Override
            int read(byte[] buf) throws IOException {
                return in.read(buf);
            }

            @Override
            void write(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }

            @Override
            void stopCapture() throws IOException {
                write(new byte[]{'\n'});
            }

            @Override
            void endInput() {
                close();
            }

            @Override
            void close() {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing left to do
                }
            }
        };
    }
}
