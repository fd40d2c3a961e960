package dev.netloom.api;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web view's HTTP side (docs/web.md): the lab's token, given once in the URL, becomes an
 * HttpOnly, SameSite=Strict cookie; every other request needs that cookie, or it gets 401 and
 * nothing else. With it, the page's few files are served from the jar, and {@code /api} upgrades to
 * a WebSocket that speaks the socket API's JSON-RPC: the gate then hands the connection to the same
 * {@link RpcHandler} the Unix socket uses, with {@link WebSocketFrames} in place of the line framer.
 * A WebSocket upgrade must also come from the page's own origin. Created per channel.
 */
final class WebGate extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(WebGate.class);

    static final String API_PATH = "/api";

    /** What each file is, by the path the page asks for; nothing else is served. */
    private record Asset(String resource, String type) {
    }

    private static final String XTERM = "META-INF/resources/webjars/xterm/" + xtermVersion() + "/";

    private static final Map<String, Asset> ASSETS = Map.of(
            "/", new Asset("web/index.html", "text/html; charset=utf-8"),
            "/app.js", new Asset("web/app.js", "text/javascript; charset=utf-8"),
            "/rpc.js", new Asset("web/rpc.js", "text/javascript; charset=utf-8"),
            "/topology.js", new Asset("web/topology.js", "text/javascript; charset=utf-8"),
            "/console.js", new Asset("web/console.js", "text/javascript; charset=utf-8"),
            "/style.css", new Asset("web/style.css", "text/css; charset=utf-8"),
            "/xterm/xterm.js", new Asset(XTERM + "lib/xterm.js", "text/javascript; charset=utf-8"),
            "/xterm/xterm.css", new Asset(XTERM + "css/xterm.css", "text/css; charset=utf-8"));

    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    /**
     * Scripts and styles only from the page's origin (xterm's renderer sets styles inline), the
     * WebSocket to the same origin, never inside another site's frame.
     */
    static final String CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final RpcHandler.Shared shared;
    private final byte[] token;
    private final String cookieName;

    /** @param cookieName one per listener (e.g. {@code netloom-8080}): browsers keep cookies per host, not per port */
    WebGate(RpcHandler.Shared shared, byte[] token, String cookieName) {
        this.shared = shared;
        this.token = token;
        this.cookieName = cookieName;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        List<String> given = uri.parameters().get("token");
        if (given != null) {
            login(ctx, req, path, given.get(0));
            return;
        }
        if (!hasCookie(req)) {
            send(ctx, req, text(HttpResponseStatus.UNAUTHORIZED, "netloom: this lab's web view needs its token; open the URL that"
                    + " `netloom web LAB` prints (http://HOST:PORT/?token=...)\n"));
            return;
        }
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n");
            r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            send(ctx, req, r);
        } else if (path.equals(API_PATH)) {
            upgrade(ctx, req);
        } else if (ASSETS.containsKey(path)) {
            Asset a = ASSETS.get(path);
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(LOADED.computeIfAbsent(a.resource(), WebGate::load)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, a.type());
            send(ctx, req, r);
        } else {
            send(ctx, req, text(HttpResponseStatus.NOT_FOUND, "not found: the web view is at /\n"));
        }
    }

    /** The token in the URL: a good one becomes the cookie and the browser goes on to the page without it in its address bar. */
    private void login(ChannelHandlerContext ctx, FullHttpRequest req, String path, String value) {
        if (!MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), token)) {
            send(ctx, req, text(HttpResponseStatus.UNAUTHORIZED, "netloom: wrong token; `netloom web LAB` prints the URL with the"
                    + " lab's token\n"));
            return;
        }
        DefaultCookie cookie = new DefaultCookie(cookieName, new String(token, StandardCharsets.US_ASCII));
        cookie.setHttpOnly(true);
        cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
        cookie.setPath("/");
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SEE_OTHER, Unpooled.EMPTY_BUFFER);
        r.headers().set(HttpHeaderNames.LOCATION, ASSETS.containsKey(path) ? path : "/");
        r.headers().set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie));
        send(ctx, req, r);
    }

    private boolean hasCookie(FullHttpRequest req) {
        String header = req.headers().get(HttpHeaderNames.COOKIE);
        if (header == null) {
            return false;
        }
        for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
            if (c.name().equals(cookieName) && MessageDigest.isEqual(c.value().getBytes(StandardCharsets.UTF_8), token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The cookie goes with any request to this host, also one a page of another site makes the
     * browser send to a WebSocket (no same-origin rule there), so the upgrade must also carry the
     * page's own origin.
     */
    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req) {
        String host = req.headers().get(HttpHeaderNames.HOST);
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (host == null || origin == null || !origin.equals("http://" + host)) {
            send(ctx, req, text(HttpResponseStatus.FORBIDDEN, "netloom: the WebSocket is for the web view's own page (origin "
                    + origin + " is not http://" + host + ")\n"));
            return;
        }
        int max = shared.limits().maxLineBytes();
        WebSocketServerHandshaker handshaker = new WebSocketServerHandshakerFactory("ws://" + host + API_PATH, null, false, max)
                .newHandshaker(req);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        ChannelFuture done = handshaker.handshake(ctx.channel(), req);
        done.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("web socket handshake with {} failed: {}", ctx.channel(), f.cause().toString());
                ctx.close();
            }
        });
        ApiLimits limits = shared.limits();
        ctx.channel().config().setWriteBufferWaterMark(limits.rpcWaterMark());
        ChannelPipeline p = ctx.pipeline();
        p.remove(WebServer.HTTP_TIMEOUT); // a WebSocket may be quiet for long: an event subscription, a console
        p.addLast(ApiChannelInitializer.OUTBOUND_CAP, new OutboundCap(limits.outboundCapBytes()))
                .addLast("ws-aggregator", new WebSocketFrameAggregator(max))
                .addLast("ws-bytes", new WebSocketFrames.Bytes())
                .addLast(ApiChannelInitializer.FRAMING, new WebSocketFrames.Text())
                .addLast(ApiChannelInitializer.JSON, new JsonLineCodec())
                .addLast(ApiChannelInitializer.RPC, new RpcHandler(shared));
        p.remove(this);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        return r;
    }

    /** Every answer: no caching (the page is the lab's, now), no sniffing, no framing, no referrer (the login URL has the token). */
    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CSP)
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (req.method().equals(HttpMethod.HEAD)) {
            FullHttpResponse head = r.replace(Unpooled.EMPTY_BUFFER);
            r.release();
            r = head;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req) && r.status().code() < 400;
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ChannelFuture f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("web connection {}: {}", ctx.channel(), cause.toString());
        ctx.close();
    }

    private static byte[] load(String resource) {
        try (InputStream in = WebGate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + resource + "; rebuild netloom");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The xterm WebJar's version, which names its directory in the jar (filtered in by the build). */
    private static String xtermVersion() {
        Properties p = new Properties();
        try (InputStream in = WebGate.class.getClassLoader().getResourceAsStream("netloom/web.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("xterm.version", "missing");
    }
}
