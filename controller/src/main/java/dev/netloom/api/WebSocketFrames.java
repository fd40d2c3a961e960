package dev.netloom.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * What lets the socket API's handlers run unchanged on a WebSocket: a message (one frame, after
 * aggregation) is what a line is on the socket. {@link Bytes} sits under the API's handlers: it
 * hands every data frame's payload up as bytes, answers pings and closes, and sends bytes as binary
 * frames. {@link Text} takes the place of the line framer: while the connection speaks JSON-RPC it
 * sends each answer as a text frame; {@code node.console} removes it with the framer's name, so the
 * console's bytes then go out as binary frames.
 */
final class WebSocketFrames {

    private WebSocketFrames() {
    }

    /** Data frames in as their payload, bytes out as binary frames; control frames answered here. */
    static final class Bytes extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame || msg instanceof ContinuationWebSocketFrame) {
                ctx.fireChannelRead(((WebSocketFrame) msg).content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                ctx.writeAndFlush(close).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            } else {
                ReferenceCountUtil.release(msg); // pongs
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg instanceof ByteBuf b ? new BinaryWebSocketFrame(b) : msg, promise);
        }
    }

    /**
     * JSON-RPC's lines out as text frames (the newline at their end is JSON whitespace). Once a console
     * or capture stream is in the pipeline its bytes are not text, also in the moment before the switch
     * removes this handler (a console's first output may come as soon as it is joined): they pass on,
     * to go as binary frames.
     */
    static final class Text extends ChannelOutboundHandlerAdapter {

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean stream = ctx.pipeline().get(ApiChannelInitializer.CONSOLE) != null || ctx.pipeline().get(ApiChannelInitializer.CAPTURE) != null;
            ctx.write(msg instanceof ByteBuf b && !stream ? new TextWebSocketFrame(b) : msg, promise);
        }
    }
}
