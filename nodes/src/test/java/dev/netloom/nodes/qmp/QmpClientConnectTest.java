package dev.netloom.nodes.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LineBasedFrameDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** connect() against an in-process stand-in for QEMU's QMP socket: retries, budget, negotiation. */
class QmpClientConnectTest {

    private EventLoopGroup group;
    private Path dir;
    private Path socket;
    private Channel server;

    @BeforeEach
    void setUp() throws IOException {
        assumeThat(Epoll.isAvailable()).as("epoll transport available").isTrue();
        group = new EpollEventLoopGroup(1);
        // Unix socket paths must stay under 108 bytes
        dir = Files.createTempDirectory(Path.of("/tmp"), "qmpt");
        socket = dir.resolve("qmp.sock");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void connect_whenSocketAppearsLater_retriesThenNegotiates() throws Exception {
        group.schedule(() -> server = startFakeQemu(true), 150, TimeUnit.MILLISECONDS);

        QmpClient client = QmpClient.connect(socket, group, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);

        assertThat(client.isOpen()).isTrue();
        assertThat(client.qemuVersion()).isEqualTo("7.2.22");
        assertThat(client.queryStatus().get(5, TimeUnit.SECONDS)).isEqualTo(new QmpStatus(true, "running"));
        client.close();
        client.closeFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void connect_whenSocketNeverAppears_failsWithinBudgetNamingThePath() {
        long start = System.nanoTime();
        CompletableFuture<QmpClient> connecting = QmpClient.connect(socket, group, Duration.ofMillis(300));

        assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(QmpException.class)
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void connect_whenNeverGreeted_failsWithinBudgetNamingThePath() {
        server = startFakeQemu(false);

        CompletableFuture<QmpClient> connecting = QmpClient.connect(socket, group, Duration.ofMillis(300));

        assertThatThrownBy(() -> connecting.get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(QmpException.class)
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("negotiation");
    }

    /** Greets (or stays silent, like QEMU towards a second client) and answers every command with a status. */
    private Channel startFakeQemu(boolean greet) {
        return new ServerBootstrap()
                .group(group)
                .channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline()
                                .addLast(new LineBasedFrameDecoder(65536))
                                .addLast(new QmpJsonCodec())
                                .addLast(new SimpleChannelInboundHandler<JsonNode>() {
                                    @Override
                                    public void channelActive(ChannelHandlerContext ctx) throws Exception {
                                        if (greet) {
                                            ctx.writeAndFlush(QmpJsonCodec.MAPPER.readTree(QmpProtocolHandlerTest.GREETING));
                                        }
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, JsonNode request) {
                                        var response = QmpJsonCodec.MAPPER.createObjectNode();
                                        var ret = response.putObject("return");
                                        if (request.path("execute").asText().equals("query-status")) {
                                            ret.put("status", "running").put("running", true);
                                        }
                                        response.set("id", request.get("id"));
                                        ctx.writeAndFlush(response);
                                    }
                                });
                    }
                })
                .bind(new DomainSocketAddress(socket.toFile()))
                .syncUninterruptibly()
                .channel();
    }
}
