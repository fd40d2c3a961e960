package dev.netloom.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.netloom.api.JsonLineCodec.MAPPER;

/**
 * Stands before the JSON-RPC handler of a TCP connection until the client has sent {@code auth} with
 * the server's token. Until then a peer costs the server little: its lines are short, it has a
 * deadline, and only a few such connections may be open at once. Anything but a good {@code auth}
 * is answered with an error and the connection is closed. On success the gate widens the framing to
 * the normal line length and leaves the pipeline. Created per channel; touched on its event loop only.
 */
final class AuthGate extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AuthGate.class);

    private final RpcHandler.Shared shared;
    private final AtomicInteger waiting;
    private boolean counted;
    private boolean refused;
    private ScheduledFuture<?> deadline;

    /** @param waiting the listener's count of connections not yet authenticated, shared by all of them */
    AuthGate(RpcHandler.Shared shared, AtomicInteger waiting) {
        this.shared = shared;
        this.waiting = waiting;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ApiLimits limits = shared.limits();
        if (waiting.incrementAndGet() > limits.maxUnauthenticated()) {
            waiting.decrementAndGet();
            refuse(ctx, NullNode.instance, ApiException.BUSY, limits.maxUnauthenticated()
                    + " connections are already waiting to authenticate; this one is closed, connect again later");
        } else {
            counted = true;
            long millis = limits.authTimeout().toMillis();
            deadline = ctx.executor().schedule(() -> refuse(ctx, NullNode.instance, ApiException.UNAUTHORIZED,
                    "no auth request within " + millis + " ms; the connection is closed"), millis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopWaiting();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (refused) {
                return; // lines that came in the same read as the refused one
            }
            if (msg instanceof JsonLineCodec.Malformed m) {
                refuse(ctx, NullNode.instance, ApiException.PARSE_ERROR, "parse error: " + m.reason());
            } else if (msg instanceof JsonNode request) {
                auth(ctx, request);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof TooLongFrameException) {
            refuse(ctx, NullNode.instance, ApiException.INVALID_REQUEST, "line over " + ApiLimits.size(shared.limits().preAuthLineBytes())
                    + " before auth; the connection is closed");
        } else if (c instanceof IOException) {
            log.debug("api connection {}: {}", ctx.channel(), c.toString());
            ctx.close();
        } else {
            log.warn("api connection {}: {}", ctx.channel(), c.toString(), c);
            refuse(ctx, NullNode.instance, ApiException.FAILED, "internal error: " + c);
        }
    }

    private void auth(ChannelHandlerContext ctx, JsonNode request) {
        JsonNode id = request.isObject() ? request.get("id") : null;
        JsonNode replyId = id != null && (id.isTextual() || id.isNumber()) ? id : NullNode.instance;
        JsonNode params = request.path("params");
        if (!request.path("method").asText("").equals("auth") || !request.path("jsonrpc").asText("").equals("2.0")) {
            refuse(ctx, replyId, ApiException.UNAUTHORIZED, "authenticate first: send {\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": \"auth\", "
                    + "\"params\": {\"token\": \"...\"}} with the token from " + shared.tokenFile());
            return;
        }
        JsonNode token = params.path("token");
        byte[] given = token.isTextual() ? token.asText().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (shared.token() == null || !MessageDigest.isEqual(given, shared.token())) {
            refuse(ctx, replyId, ApiException.UNAUTHORIZED, "wrong token; the token is in " + shared.tokenFile());
            return;
        }
        ctx.writeAndFlush(RpcMessages.response(replyId, MAPPER.createObjectNode().put("authenticated", true)));
        // order matters: the gate goes first, so lines the old framer still holds reach the JSON-RPC handler
        ctx.pipeline().remove(this);
        ctx.pipeline().replace(ApiChannelInitializer.FRAMING, ApiChannelInitializer.FRAMING,
                new LineBasedFrameDecoder(shared.limits().maxLineBytes(), true, true));
    }

    private void refuse(ChannelHandlerContext ctx, JsonNode id, int code, String message) {
        if (refused || !ctx.channel().isActive()) {
            return;
        }
        refused = true;
        stopWaiting();
        ctx.writeAndFlush(RpcMessages.errorResponse(id, new ApiException(code, message))).addListener(ChannelFutureListener.CLOSE);
    }

    /** No longer one of the connections waiting to authenticate: authenticated, refused or gone. Idempotent. */
    private void stopWaiting() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
        if (counted) {
            counted = false;
            waiting.decrementAndGet();
        }
    }
}
