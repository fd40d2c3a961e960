package dev.netloom.nodes.console;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends every inbound console byte (byte[] messages) to the node's transcript file, then passes the
 * bytes on. Writes are buffered and flushed once per read batch, so the event loop does one small
 * file write per batch and nothing is lost when the console closes.
 */
final class TranscriptHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TranscriptHandler.class);

    private final Path file;
    private OutputStream out;
    private boolean failed;

    TranscriptHandler(Path file) {
        this.file = file;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof byte[] bytes && !failed) {
            try {
                stream().write(bytes);
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
            out = new BufferedOutputStream(Files.newOutputStream(file,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        }
        return out;
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
