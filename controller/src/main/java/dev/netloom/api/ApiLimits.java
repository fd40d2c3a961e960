package dev.netloom.api;

import io.netty.channel.WriteBufferWaterMark;

import java.time.Duration;

/**
 * How much one client may make the API server hold or wait for: line lengths, connections waiting to
 * authenticate, and what the server buffers towards a client that does not read. The values and what
 * a client sees when it hits one are documented in docs/api.md, "Limits".
 *
 * @param maxLineBytes         a request line once connected (Unix) or authenticated (TCP); longer closes the connection
 * @param preAuthLineBytes     a request line on TCP before {@code auth}: an unauthenticated peer gets no room
 * @param maxUnauthenticated   TCP connections of one listener that may be open without having authenticated
 * @param authTimeout          how long a TCP connection may stay unauthenticated
 * @param rpcWaterMark         a JSON-RPC connection's outbound buffer: over high, the server stops reading its
 *                             requests and drops its events until it is under low again
 * @param consoleWaterMark     a console viewer's outbound buffer: over high, console output for it is dropped
 * @param outboundCapBytes     unsent bytes towards one client beyond which it is disconnected (answers are never
 *                             dropped, so this is what bounds a client that neither reads nor closes)
 * @param consoleInputHighBytes typed bytes not yet written to the node's console beyond which the server stops
 *                             reading the client; it reads again once under {@code consoleInputLowBytes}
 */
record ApiLimits(int maxLineBytes, int preAuthLineBytes, int maxUnauthenticated, Duration authTimeout,
                 WriteBufferWaterMark rpcWaterMark, WriteBufferWaterMark consoleWaterMark, long outboundCapBytes,
                 int consoleInputHighBytes, int consoleInputLowBytes) {

    static final ApiLimits DEFAULTS = new ApiLimits(1 << 20, 4 << 10, 8, Duration.ofSeconds(5),
            new WriteBufferWaterMark(256 << 10, 1 << 20), new WriteBufferWaterMark(4 << 20, 16 << 20), 64L << 20,
            64 << 10, 16 << 10);

    ApiLimits {
        if (preAuthLineBytes > maxLineBytes || consoleInputLowBytes > consoleInputHighBytes
                || outboundCapBytes < Math.max(rpcWaterMark.high(), consoleWaterMark.high())) {
            throw new IllegalArgumentException("inconsistent API limits: " + this);
        }
    }

    ApiLimits withAuthTimeout(Duration timeout) {
        return new ApiLimits(maxLineBytes, preAuthLineBytes, maxUnauthenticated, timeout, rpcWaterMark, consoleWaterMark,
                outboundCapBytes, consoleInputHighBytes, consoleInputLowBytes);
    }

    ApiLimits withMaxUnauthenticated(int max) {
        return new ApiLimits(maxLineBytes, preAuthLineBytes, max, authTimeout, rpcWaterMark, consoleWaterMark,
                outboundCapBytes, consoleInputHighBytes, consoleInputLowBytes);
    }

    /** A byte count as messages write it: "4 KiB", "1 MiB", "1500 bytes". */
    static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
