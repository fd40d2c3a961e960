package dev.netloom.nodes.console;

import dev.netloom.nodes.RunDirs;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Appends every inbound console byte (byte[] messages) to the node's transcript file, then passes the
 * bytes on. Writes are buffered and flushed once per read batch, so the event loop does one small
 * file write per batch and nothing is lost when the console closes.
 *
 * <p>The transcript lives in /run, which is RAM, and a chatty node would fill it: once the file
 * reaches {@code cap} bytes it becomes {@code NAME.1} (replacing the previous one) and a new file
 * starts, so a node never keeps much more than twice the cap. Files are created 0600.
 */
final class TranscriptHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TranscriptHandler.class);

    private final Path file;
    private final Path previous;
    private final long cap;
    private OutputStream out;
    private long size;
    private boolean failed;

    TranscriptHandler(Path file, long cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("transcript cap must be positive: " + cap);
        }
        this.file = file;
        this.previous = rotatedName(file);
        this.cap = cap;
    }

    /** Where a full transcript goes: {@code console.log} becomes {@code console.log.1}. */
    static Path rotatedName(Path file) {
        return file.resolveSibling(file.getFileName() + ".1");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[] bytes && !failed) {
            try {
                if (size > 0 && size + bytes.length > cap) {
                    rotate();
                }
                stream().write(bytes);
                size += bytes.length;
            } catch (IOException e) {
                giveUp(e);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        close();
    }

    private OutputStream stream() throws IOException {
        if (out == null) {
            // opened on the first byte, so a failed connection attempt leaves no file behind
            out = new BufferedOutputStream(RunDirs.appendPrivate(file), 64 * 1024);
            size = Files.size(file); // a restarted node appends to its transcript
            if (size > 0 && size >= cap) {
                rotate();
                return stream();
            }
        }
        return out;
    }

    /** The current file becomes the previous one; the next byte starts a new file. */
    private void rotate() throws IOException {
        if (out != null) {
            out.close();
            out = null;
        }
        Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        size = 0;
    }

    private void flush() {
        if (out != null && !failed) {
            try {
                out.flush();
            } catch (IOException e) {
                giveUp(e);
            }
        }
    }

    private void close() {
        if (out != null) {
            flush();
            try {
                out.close();
            } catch (IOException e) {
                log.warn("closing console transcript {}: {}", file, e.toString());
            }
            out = null;
        }
    }

    private void giveUp(IOException e) {
        // the console itself must keep working: a full disk loses the transcript, not the node
        failed = true;
        log.warn("console transcript {} stopped: {}", file, e.toString());
    }
}
