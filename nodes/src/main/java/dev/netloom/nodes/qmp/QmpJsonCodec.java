package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netloom.nodes.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

import java.util.List;

/**
 * Turns one framed line into a Jackson tree, and a tree into one newline-terminated line, so the
 * protocol handler deals only in JSON.
 */
final class QmpJsonCodec extends MessageToMessageCodec<ByteBuf, JsonNode> {

    static final ObjectMapper MAPPER = Json.MAPPER;

    private static final byte[] NEWLINE = {'\n'};

    @Override
    protected void encode(ChannelHandlerContext ctx, JsonNode msg, List<Object> out) throws Exception {
        out.add(Unpooled.wrappedBuffer(MAPPER.writeValueAsBytes(msg), NEWLINE));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) throws Exception {
        // QEMU terminates lines with CRLF; the framer strips the delimiter, but tolerate stray blanks
        if (!line.isReadable() || isBlank(line)) {
            return;
        }
        JsonNode tree = MAPPER.readTree(new ByteBufInputStream(line));
        if (tree != null && !tree.isMissingNode()) {
            out.add(tree);
        }
    }

    private static boolean isBlank(ByteBuf buf) {
        for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
