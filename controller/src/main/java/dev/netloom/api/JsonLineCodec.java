package dev.netloom.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.netloom.nodes.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns one framed line into a Jackson tree, and a tree into one newline-terminated line. A line
 * that is not JSON becomes a {@link Malformed} message, so the protocol handler can answer it
 * (-32700) and the connection stays open. Blank lines are ignored.
 */
final class JsonLineCodec extends MessageToMessageCodec<ByteBuf, JsonNode> {

    /**
     * The shared configuration plus the protocol's needs: floats are read as BigDecimal so that a
     * request's id comes back with the value it had (a double made 1e400 "Infinity").
     */
    static final ObjectMapper MAPPER = Json.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static final byte[] NEWLINE = {'\n'};

    /** Jackson's "[Source: REDACTED (...); line: 1, column: 5]" inside messages, which says nothing to a client. */
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

    /** A line that did not parse; {@code reason} is Jackson's short description. */
    record Malformed(String reason) {
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, JsonNode msg, List<Object> out) throws IOException {
        out.add(Unpooled.wrappedBuffer(MAPPER.writeValueAsBytes(msg), NEWLINE));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        if (isBlank(line)) {
            return;
        }
        try {
            JsonNode tree = MAPPER.readTree(new ByteBufInputStream(line));
            out.add(tree == null || tree.isMissingNode() ? new Malformed("empty document") : tree);
        } catch (JsonProcessingException e) {
            String why = SOURCE.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("line $1, column $2");
            out.add(new Malformed(e.getLocation() == null ? why : "column " + e.getLocation().getColumnNr() + ": " + why));
        } catch (IOException e) {
            out.add(new Malformed(e.getMessage()));
        }
    }

    private static boolean isBlank(ByteBuf buf) {
        for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
