package dev.netloom.nodes;

import dev.netloom.nodes.console.ConsoleSession;
import io.netty.channel.EventLoopGroup;

/** The event loops of nodes started without a lab, made on first use (the holder idiom): two daemon threads. */
final class SharedLoops {

    static final EventLoopGroup GROUP = ConsoleSession.newEventLoopGroup(2);

    private SharedLoops() {
    }
}
